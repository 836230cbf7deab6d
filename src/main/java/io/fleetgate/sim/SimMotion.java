package io.fleetgate.sim;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * What a simulated vehicle is doing, for its telemetry: parked, driving (it moves along its
 * heading at a speed that wanders between 15 and 75 mph, its odometer grows and its battery
 * drains) or charging (its battery gains until the charge limit). Immutable; {@link #advance}
 * gives the state after some time.
 */
record SimMotion(Activity activity, double latitude, double longitude, double headingDegrees, double speedMph,
                 double odometerMiles, double batteryLevel, int chargeLimit) {

    enum Activity { PARKED, DRIVING, CHARGING }

    /** Battery percent a mile of driving costs. */
    private static final double PERCENT_PER_MILE = 0.28;
    /** Battery percent a second of charging gains (a demo charges fast, so it shows). */
    private static final double PERCENT_PER_SECOND = 0.05;
    private static final double MILES_PER_DEGREE_LATITUDE = 69.0;

    static SimMotion of(CarTraits traits) {
        return new SimMotion(traits.charging() ? Activity.CHARGING : Activity.PARKED, traits.latitude(), traits.longitude(),
                35.0, 0, traits.odometerMiles(), traits.batteryLevel(), 90);
    }

    SimMotion doing(Activity next) {
        double speed = next == Activity.DRIVING ? Math.max(speedMph, 25) : 0;
        return new SimMotion(next, latitude, longitude, headingDegrees, speed, odometerMiles, batteryLevel, chargeLimit);
    }

    /** The state {@code elapsed} later; {@code random} moves the speed and heading of a driving vehicle. */
    SimMotion advance(Duration elapsed, RandomGenerator random) {
        double seconds = elapsed.toMillis() / 1000.0;
        return switch (activity) {
            case PARKED -> this;
            case CHARGING -> {
                double level = Math.min(chargeLimit, batteryLevel + PERCENT_PER_SECOND * seconds);
                yield new SimMotion(activity, latitude, longitude, headingDegrees, 0, odometerMiles, level, chargeLimit);
            }
            case DRIVING -> {
                double speed = Math.clamp(speedMph + (random.nextDouble() * 2 - 1) * 6, 15, 75);
                double heading = (headingDegrees + (random.nextDouble() * 2 - 1) * 10 + 360) % 360;
                double miles = speed * seconds / 3600.0;
                double radians = Math.toRadians(heading);
                double lat = latitude + miles * Math.cos(radians) / MILES_PER_DEGREE_LATITUDE;
                double lon = longitude + miles * Math.sin(radians)
                        / (MILES_PER_DEGREE_LATITUDE * Math.max(0.1, Math.cos(Math.toRadians(latitude))));
                double level = Math.max(0, batteryLevel - miles * PERCENT_PER_MILE);
                yield new SimMotion(activity, lat, lon, heading, speed, odometerMiles + miles, level, chargeLimit);
            }
        };
    }

    boolean chargeComplete() {
        return activity == Activity.CHARGING && batteryLevel >= chargeLimit;
    }
}
