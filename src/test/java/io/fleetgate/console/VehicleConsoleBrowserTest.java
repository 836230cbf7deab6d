package io.fleetgate.console;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.BERND;
import static io.fleetgate.testing.TestFleet.CHEN;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.telemetry.FleetTelemetryTopics;
import io.fleetgate.telemetry.RecordType;
import io.fleetgate.telemetry.proto.VehicleData;
import io.fleetgate.telemetry.proto.VehicleData.Field;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleData.Value;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console's vehicle page in real Chromium against a Fleetgate with the simulator: live values
 * over the admin stream fed by fleet-telemetry records on the embedded broker, the map's marker,
 * a command button through the account's command path to the simulator, and the recent commands
 * read back from the audit topic. The map's tiles come from a loopback address nothing answers:
 * the test has no network, and checks the marker, not the tiles.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VehicleConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final double LATITUDE = 52.5163;
    private static final double LONGITUDE = 13.3777;
    /** A loopback port nothing listens on. */
    private static final String TILE_SERVER = "http://127.0.0.1:" + GatewayHarness.freePort();
    private static final String TILES = TILE_SERVER + "/tiles/{z}/{x}/{y}.png";
    /** A vehicle of an account that did not grant vehicle_location. */
    private static final String HIDDEN_VIN = "5YJ3E1EA7KF300001";
    private static final TestAccount NO_LOCATION = new TestAccount("no-location", "na", "tesla-token-no-location",
            "gw-no-location", List.of("vehicle_device_data", "vehicle_cmds"), List.of(HIDDEN_VIN), List.of(), null);

    private static GatewayHarness harness;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        harness = GatewayHarness.builder().accounts(ALICE, BERND, CHEN, NO_LOCATION)
                .setting("fleetgate.console.map-tiles-url", TILES)
                // never signed out for want of input (ConsoleBrowserTest: the default half hour)
                .setting("fleetgate.console.idle-sign-out-seconds", "0").start();
        browser = Browser.start();
        browser.driver.get(harness.url("/console/"));
        WebElement field = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-token")));
        field.sendKeys(GatewayHarness.ADMIN_TOKEN);
        browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("nav a[aria-current=page]")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    @Order(1)
    void theVehiclePageShowsLiveValuesOverTheStreamAndItsLocationOnTheMap() throws Exception {
        sendData(NA_VIN, battery(64.5), location(LATITUDE, LONGITUDE));
        browser.driver.get(harness.url("/console/#/fleet"));
        browser.waitUpTo(WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector("a[aria-label='Vehicle " + NA_VIN + "']")))
                .click();
        browser.waitUpTo(WAIT).until(d -> d.getCurrentUrl().endsWith("#/vehicles/" + NA_VIN));
        browser.waitUpTo(WAIT).until(d -> "64.5".equals(value("BatteryLevel")));

        // live: a value sent now replaces the one shown, without a reload
        sendData(NA_VIN, battery(65.5));
        browser.waitUpTo(WAIT).until(d -> "65.5".equals(value("BatteryLevel")));

        WebElement map = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("vehicle-map")));
        assertThat(Double.parseDouble(map.getAttribute("data-lat"))).isEqualTo(LATITUDE);
        assertThat(Double.parseDouble(map.getAttribute("data-lng"))).isEqualTo(LONGITUDE);
        // Leaflet's own view of its marker, and where it drew it: the map's centre, where the vehicle is
        @SuppressWarnings("unchecked")
        Map<String, Object> drawn = (Map<String, Object>) browser.driver.executeScript("""
                const box = document.getElementById('vehicle-map').getBoundingClientRect();
                const dot = document.querySelector('#vehicle-map path.leaflet-interactive').getBoundingClientRect();
                return {dx: dot.x + dot.width / 2 - (box.x + box.width / 2), dy: dot.y + dot.height / 2 - (box.y + box.height / 2)};""");
        assertThat(((Number) drawn.get("dx")).doubleValue()).isBetween(-2.0, 2.0);
        assertThat(((Number) drawn.get("dy")).doubleValue()).isBetween(-2.0, 2.0);
        // the tiles were asked of the server the setting names (nothing answers there: no network in tests)
        assertThat(browser.driver.findElements(By.cssSelector("#vehicle-map img.leaflet-tile")))
                .isNotEmpty().allSatisfy(tile -> assertThat(tile.getAttribute("src")).startsWith(TILE_SERVER + "/tiles/15/"));
    }

    @Test
    @Order(2)
    void theFlashLightsButtonSendsTheCommandAsTheAccountAndItIsListedWithItsOutcome() throws Exception {
        long before = flashes();
        WebElement button = browser.driver.findElement(By.cssSelector("button[data-command=flash_lights]"));
        button.click();
        WebElement answer = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("command-answer")));
        assertThat(answer.getText()).isEqualTo("Flash lights: done");
        assertThat(flashes()).as("the simulator flashed the lights once").isEqualTo(before + 1);

        // the audit event comes back from the audit topic: the list asks again every 5 s
        WebElement row = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#recent-commands tr[data-command=flash_lights]")));
        assertThat(row.getAttribute("data-status")).isEqualTo("200");
        assertThat(row.getText()).contains("flash_lights", "200 answered", "console");
        // the command taught Fleetgate the vehicle is online: the page asks again after a command
        browser.waitUpTo(WAIT).until(d -> d.findElement(By.id("vehicle-facts")).getText().contains("online since"));
        // the whole page, top to bottom
        browser.driver.executeScript("window.scrollTo(0, 0)");
        browser.size(1280, 1800);
        try {
            browser.screenshot("vehicle");
        } finally {
            browser.size(1280, 900);
        }
    }

    @Test
    @Order(3)
    void theCommandButtonsWorkFromTheKeyboard() throws Exception {
        long before = flashes();
        browser.driver.navigate().refresh();
        browser.waitUpTo(WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-command=flash_lights]")));
        WebElement body = browser.driver.findElement(By.tagName("body"));
        for (int i = 0; i < 60 && !"flash_lights".equals(focused().getAttribute("data-command")); i++) {
            body.sendKeys(Keys.TAB);
            body = focused();
        }
        assertThat(focused().getAttribute("data-command")).as("Tab reaches the button").isEqualTo("flash_lights");
        focused().sendKeys(Keys.ENTER);
        browser.waitUpTo(WAIT).until(d -> flashes() == before + 1);
        assertThat(browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("command-answer"))).getText())
                .isEqualTo("Flash lights: done");
    }

    @Test
    @Order(4)
    void withoutTheLocationScopeThePageSaysSoInsteadOfAMapAndAnUnknownVehicleShowsTheRefusal() throws Exception {
        browser.driver.get(harness.url("/console/#/vehicles/" + HIDDEN_VIN));
        WebElement note = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("no-location")));
        assertThat(note.getText()).contains("no-location", "vehicle_location");
        assertThat(browser.driver.findElements(By.id("vehicle-map"))).isEmpty();

        browser.driver.get(harness.url("/console/#/vehicles/5YJ3E1EA7KF999999"));
        WebElement refusal = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
        assertThat(refusal.getText()).isEqualTo("No account's subscription has vehicle 5YJ3E1EA7KF999999.");
    }

    @Test
    @Order(5)
    void theVehiclePageFitsAPhone() throws Exception {
        browser.size(390, 844);
        try {
            browser.driver.get(harness.url("/console/#/vehicles/" + NA_VIN));
            browser.waitUpTo(WAIT).until(d -> "65.5".equals(value("BatteryLevel")));
            browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("vehicle-map")));
            Long overflow = (Long) browser.driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow).as("the page scrolls no wider than the phone").isLessThanOrEqualTo(0L);
            browser.screenshot("vehicle-phone");
        } finally {
            browser.size(1280, 900);
        }
    }

    private static WebElement focused() {
        return browser.driver.switchTo().activeElement();
    }

    /** The live values table's value of a field, or null while it has none. */
    private static String value(String field) {
        List<WebElement> cells = browser.driver.findElements(By.cssSelector("#live-values tr[data-field='" + field + "'] td.value"));
        return cells.isEmpty() ? null : cells.getFirst().getText();
    }

    private static long flashes() {
        return harness.simulator().requests(NA_VIN).stream().filter(r -> ConsoleHttpTest.executed(r, "flash_lights")).count();
    }

    @Test
    @Order(6)
    void withTheIdleSignOutOffATabKeepsTheTokenHoweverLongAgoItsLastInput() throws Exception {
        assertThat(new String(harness.get("/console/settings.json", null).body(), StandardCharsets.UTF_8))
                .contains("\"idle_sign_out_seconds\":0");
        browser.driver.get(harness.url("/console/#/fleet"));
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("fleet-filter")));
        browser.driver.executeScript("sessionStorage.setItem('fleetgate.lastInput', String(Date.now() - 86400000))");
        Thread.sleep(2000); // the page would look every second
        assertThat(browser.driver.findElements(By.cssSelector("nav a"))).as("still signed in").isNotEmpty();
        assertThat(browser.driver.findElements(By.id("signed-out"))).isEmpty();
    }

    private static void sendData(String vin, VehicleData.Datum... data) {
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness.kafkaBootstrapServers())) {
            fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder().setVin(vin).addAllData(List.of(data)).build().toByteArray());
        }
    }

    private static VehicleData.Datum battery(double level) {
        return VehicleData.Datum.newBuilder().setKey(Field.BatteryLevel).setValue(Value.newBuilder().setDoubleValue(level)).build();
    }

    private static VehicleData.Datum location(double latitude, double longitude) {
        return VehicleData.Datum.newBuilder().setKey(Field.Location).setValue(Value.newBuilder().setLocationValue(
                VehicleData.LocationValue.newBuilder().setLatitude(latitude).setLongitude(longitude))).build();
    }
}
