package io.fleetgate.sim;

/**
 * Fixed facts about a simulated car, derived from its VIN, id and the owner's region, so every
 * payload describes the same car the same way.
 */
record CarTraits(String carType, String modelCode, String trimBadging, String exteriorColor, String wheelType,
                 String chargePortType, boolean euVehicle, boolean metric, int utcOffsetSeconds,
                 double latitude, double longitude, double odometerMiles, int batteryLevel,
                 boolean charging, long vehicleId, long userId) {

    static CarTraits of(SimVehicle vehicle, SimUser owner) {
        int n = (int) Math.floorMod(vehicle.id(), 10L);
        String carType = switch (vehicle.vin().charAt(3)) {
            case 'S' -> "models2";
            case 'X' -> "modelx";
            case 'Y' -> "modely";
            default -> "model3";
        };
        String modelCode = switch (carType) {
            case "models2" -> "ms";
            case "modelx" -> "mx";
            case "modely" -> "my";
            default -> "m3";
        };
        String[] colors = {"MidnightSilver", "PearlWhite", "DeepBlue", "SolidBlack", "RedMulticoat"};
        String region = owner == null ? "na" : owner.region();
        return new CarTraits(
                carType,
                modelCode,
                carType.equals("models2") ? "100d" : "74d",
                colors[n % colors.length],
                carType.equals("modely") ? "Apollo19" : "Pinwheel18CapKit",
                switch (region) {
                    case "eu" -> "CCS";
                    case "cn" -> "GB";
                    default -> "US";
                },
                region.equals("eu"),
                !region.equals("na"),
                switch (region) {
                    case "eu" -> 3600;
                    case "cn" -> 28800;
                    default -> -28800;
                },
                switch (region) {
                    case "eu" -> 52.5200 + n * 0.0031;
                    case "cn" -> 31.2304 + n * 0.0031;
                    default -> 37.4419 + n * 0.0031;
                },
                switch (region) {
                    case "eu" -> 13.4050 - n * 0.0027;
                    case "cn" -> 121.4737 - n * 0.0027;
                    default -> -122.1430 - n * 0.0027;
                },
                8_000 + n * 4_321.7,
                48 + n * 5,
                n % 3 == 2,
                1_490_000_000L + Math.floorMod(vehicle.id(), 10_000_000L),
                numericUserId(owner));
    }

    /** The Fleet API's numeric {@code user_id} for a simulated user. */
    static long numericUserId(SimUser owner) {
        return owner == null ? 0 : 800_000L + Math.floorMod(owner.id().hashCode(), 100_000);
    }

    /** Rated range in miles for the current charge (the Fleet API reports miles whatever the settings). */
    double batteryRangeMiles() {
        double full = switch (carType) {
            case "models2" -> 405.0;
            case "modelx" -> 348.0;
            case "modely" -> 330.0;
            default -> 358.0;
        };
        return Math.round(full * batteryLevel / 100.0 * 100) / 100.0;
    }
}
