package io.fleetgate.console;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.CN_VIN;
import static io.fleetgate.testing.TestFleet.EU_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The operator console in real Chromium against a Fleetgate with the simulator: sign-in, the
 * fleet table, gateway tokens shown once, the idle sign-out. Each page's screenshot lands in
 * target/console-screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String TOKEN_IN_TAB = "return sessionStorage.getItem('fleetgate.adminToken')";
    private static GatewayHarness harness;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        harness = GatewayHarness.standard();
        browser = Browser.start();
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
    void aWrongAdminTokenIsRefusedWithTheEnvelopesWordsAndTheRightOneSignsIn() throws Exception {
        browser.driver.get(harness.url("/console/"));
        signIn("not-the-admin-token");
        WebElement refusal = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
        assertThat(refusal.getText()).isNotBlank().doesNotContain("not-the-admin-token");
        assertThat(browser.driver.findElements(By.cssSelector("nav a"))).as("not signed in").isEmpty();
        browser.screenshot("sign-in-refused");

        signIn(GatewayHarness.ADMIN_TOKEN);
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("nav a[aria-current=page]")));
        assertThat(browser.driver.getCurrentUrl()).as("the token never goes into a URL").doesNotContain(GatewayHarness.ADMIN_TOKEN);
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('fleetgate.adminToken')"))
                .isEqualTo(GatewayHarness.ADMIN_TOKEN);
    }

    @Test
    @Order(2)
    void theFleetTableListsEveryAccountsVehiclesWithWhatFleetgateKnowsOfTheirState() throws Exception {
        // a command teaches Fleetgate the vehicle is online (a state check, then the command)
        assertThat(harness.post("/api/1/vehicles/" + NA_VIN + "/command/flash_lights", ALICE.gatewayToken(), "{}").statusCode())
                .isEqualTo(200);
        browser.driver.get(harness.url("/console/#/fleet"));
        browser.waitUpTo(WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#vehicles tr[data-vin]")));
        // the page was open before the command: it asks again every 10 s, or at once on Refresh
        browser.driver.findElement(By.xpath("//button[text()='Refresh']")).click();
        browser.waitUpTo(WAIT).until(d -> "online".equals(cell(NA_VIN, 4)));

        assertThat(rows("#vehicles tr[data-vin]").stream().map(row -> row.getAttribute("data-vin")))
                .containsExactly(NA_VIN, NA_VIN_ASLEEP, EU_VIN, CN_VIN);
        assertThat(cell(NA_VIN, 4)).isEqualTo("online");
        assertThat(cell(NA_VIN, 5)).as("since when, and for how long").endsWith("min)");
        assertThat(cell(NA_VIN, 2)).isEqualTo("alice");
        assertThat(cell(NA_VIN, 3)).isEqualTo("na");
        assertThat(cell(EU_VIN, 3)).isEqualTo("eu");
        assertThat(cell(NA_VIN_ASLEEP, 4)).as("nothing learned of it yet").isEqualTo("unknown");
        assertThat(rows("#energy-sites tbody tr")).hasSize(1);
        browser.screenshot("fleet");

        // the key pairing link as a QR code to scan with the Tesla app
        browser.driver.findElement(By.cssSelector(".pairing summary")).click();
        WebElement qr = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("pairing-qr")));
        assertThat(qr.getAttribute("data-link")).startsWith("https://tesla.com/_ak/");
        assertThat(qr.getAttribute("src")).startsWith("data:image/gif;base64,");
        assertThat((Long) browser.driver.executeScript("return arguments[0].naturalWidth", qr)).as("the image decoded").isGreaterThan(100L);
        browser.screenshot("fleet-pairing");
        browser.driver.findElement(By.cssSelector(".pairing summary")).click();

        // the filter narrows the table as one types
        browser.driver.findElement(By.id("fleet-filter")).sendKeys("bernd");
        browser.waitUpTo(WAIT).until(d -> rows("#vehicles tr[data-vin]").size() == 1);
        assertThat(rows("#vehicles tr[data-vin]").getFirst().getAttribute("data-vin")).isEqualTo(EU_VIN);
    }

    @Test
    @Order(3)
    void aNewGatewayTokenIsShownOnceWorksAtOnceAndCanBeRevoked() throws Exception {
        browser.driver.get(harness.url("/console/#/accounts/alice"));
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("token-name"))).sendKeys("console-test");
        browser.driver.findElement(By.xpath("//button[text()='Issue token']")).click();
        String token = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("issued-token"))).getText();
        assertThat(token).startsWith("fg_");
        browser.screenshot("account");
        assertThat(harness.get("/api/1/vehicles", token).statusCode()).as("the new token is a gateway token").isEqualTo(200);

        // shown once: after a reload the page only knows its name
        browser.driver.navigate().refresh();
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//button[@aria-label='Revoke console-test']")));
        assertThat(browser.driver.findElements(By.id("issued-token"))).isEmpty();
        assertThat(browser.driver.getPageSource()).doesNotContain(token);

        browser.driver.findElement(By.xpath("//button[@aria-label='Revoke console-test']")).click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.alertIsPresent()).accept();
        browser.waitUpTo(WAIT).until(ExpectedConditions.invisibilityOfElementLocated(By.xpath("//button[@aria-label='Revoke console-test']")));
        assertThat(harness.get("/api/1/vehicles", token).statusCode()).as("revoked").isEqualTo(401);
    }

    @Test
    @Order(4)
    void theUsagePageChartsTheAccountsCreditsPerDayWithItsBreakdowns() throws Exception {
        browser.driver.get(harness.url("/console/#/usage/alice"));
        // the commands above were charged: the ledger follows the audit topic a moment behind
        browser.waitUpTo(WAIT).until(d -> {
            d.navigate().refresh();
            return new org.openqa.selenium.support.ui.WebDriverWait(d, Duration.ofSeconds(3)).until(
                    ExpectedConditions.presenceOfElementLocated(By.id("usage-credits"))).getText().matches("[1-9][0-9]*");
        });
        WebElement chart = browser.driver.findElement(By.cssSelector("#credits-chart canvas"));
        assertThat(chart.getSize().getWidth()).as("uPlot drew its canvas").isGreaterThan(200);
        assertThat(browser.driver.findElement(By.id("credits-chart")).getAttribute("aria-label"))
                .contains(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        assertThat(browser.driver.findElement(By.tagName("main")).getText())
                .contains("POST /api/1/vehicles/{vin}/command/flash_lights", "By gateway token", "alice-token");
        browser.screenshot("usage");
    }

    @Test
    @Order(5)
    void theHealthPageShowsTheChecksTheBreakersAndTheRequestRate() throws Exception {
        browser.driver.get(harness.url("/console/#/health"));
        browser.waitUpTo(WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#checks tr[data-check=accounts]")));
        assertThat(browser.driver.findElement(By.cssSelector("#checks tr[data-check=accounts]")).getText()).contains("UP");
        assertThat(browser.driver.findElements(By.cssSelector("#breakers tr[data-region]"))).extracting(e -> e.getAttribute("data-region"))
                .containsExactlyInAnyOrder("na", "eu", "cn");
        assertThat(browser.driver.findElement(By.cssSelector("#breakers tr[data-region=na]")).getText()).contains("closed");
        assertThat(browser.driver.findElement(By.id("audit-dropped")).getText()).isEqualTo("0");
        long before = Long.parseLong(browser.driver.findElement(By.id("requests-total")).getText());
        for (int i = 0; i < 3; i++) {
            assertThat(harness.get("/api/1/vehicles", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        }
        // the page samples every 5 s: the next sample counts the requests and draws the rate
        browser.waitUpTo(Duration.ofSeconds(20)).until(d -> Long.parseLong(d.findElement(By.id("requests-total")).getText()) >= before + 3);
        assertThat(browser.driver.findElement(By.cssSelector("#rate-chart canvas")).getSize().getWidth()).isGreaterThan(200);
        browser.screenshot("health");
    }

    @Test
    @Order(6)
    void aRefusedChangeShowsTheErrorDescriptionAndEveryPageFitsAPhone() throws Exception {
        browser.size(390, 844);
        try {
            browser.driver.get(harness.url("/console/#/accounts/alice"));
            WebElement vins = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("sub-vins")));
            vins.clear();
            vins.sendKeys("not-a-vin");
            browser.driver.findElement(By.xpath("//button[text()='Save subscription']")).click();
            WebElement refusal = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(
                    By.xpath("//form[@aria-labelledby='subscription-title']//*[@role='alert']")));
            assertThat(refusal.getText()).contains("17-character VINs");
            browser.screenshot("account-phone");
            for (String page : List.of("fleet", "accounts")) {
                browser.driver.get(harness.url("/console/#/" + page));
                browser.waitUpTo(WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table tbody tr")));
                Long overflow = (Long) browser.driver.executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                assertThat(overflow).as("the %s page scrolls no wider than the phone (tables scroll in their own box)", page)
                        .isLessThanOrEqualTo(0L);
                browser.screenshot(page + "-phone");
            }
        } finally {
            browser.size(1280, 900);
        }
    }

    @Test
    @Order(7)
    void aTabWithoutInputForHalfAnHourForgetsTheAdminTokenAndAReloadDoesNotBringItBack() throws Exception {
        // the tab keeps the time of its last input (a click, key, scroll or touch) with the token; the
        // clock is not waited out: the last input is set back instead, against the default 30 minutes
        browser.driver.get(harness.url("/console/#/fleet"));
        WebElement filter = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("fleet-filter")));
        setLastInputSecondsAgo(1700);
        filter.sendKeys("a");
        assertThat(secondsSinceLastInput()).as("a key is input").isLessThan(10);

        setLastInputSecondsAgo(1790);
        Thread.sleep(2000); // the page looks every second
        assertThat(browser.driver.findElements(By.cssSelector("nav a"))).as("signed in before the half hour").isNotEmpty();

        setLastInputSecondsAgo(1801);
        WebElement note = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
        assertThat(note.getText()).contains("30 minutes without input");
        assertThat(browser.driver.executeScript(TOKEN_IN_TAB)).isNull();
        assertThat(browser.driver.findElements(By.cssSelector("nav a"))).isEmpty();
        browser.screenshot("signed-out-idle");
        browser.driver.navigate().refresh();
        assertThat(browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out"))).getText())
                .as("a reload still says why the token is asked again").contains("30 minutes without input");

        // signed in again; a reload after the half hour signs out at once, as it is no input itself
        signIn(GatewayHarness.ADMIN_TOKEN);
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("nav a[aria-current=page]")));
        browser.driver.executeScript("sessionStorage.setItem('fleetgate.lastInput', String(Date.now() - 1801000)); location.reload()");
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
        assertThat(browser.driver.executeScript(TOKEN_IN_TAB)).isNull();

        // a sign-out asked for says nothing, after a reload neither
        signIn(GatewayHarness.ADMIN_TOKEN);
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("nav a[aria-current=page]")));
        browser.driver.findElement(By.xpath("//button[text()='Sign out']")).click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-token")));
        browser.driver.navigate().refresh();
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-token")));
        assertThat(browser.driver.findElements(By.id("signed-out"))).isEmpty();
    }

    @Test
    @Order(8)
    void whenTheConsoleSettingsAreRefusedAnIdleTabIsStillSignedOutAfterTheDefaultHalfHour() throws Exception {
        // the browser answers the settings with a 429 in the error envelope, as a per-IP limit would
        @SuppressWarnings("unchecked")
        var script = (Map<String, Object>) browser.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                const realFetch = window.fetch;
                window.fetch = (url, options) => String(url).endsWith('/console/settings.json')
                    ? Promise.resolve(new Response('{"response":null,"error":"too_many_requests","error_description":"Too many requests"}',
                        { status: 429, headers: { 'Content-Type': 'application/json' } }))
                    : realFetch(url, options);
                """));
        try {
            browser.driver.get(harness.url("/console/#/fleet"));
            browser.driver.navigate().refresh(); // a new document, which the script is evaluated in
            assertThat(browser.driver.executeAsyncScript(
                    "fetch('/console/settings.json').then((r) => arguments[arguments.length - 1](r.status))")).isEqualTo(429L);
            signIn(GatewayHarness.ADMIN_TOKEN);
            browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("nav a[aria-current=page]")));
            setLastInputSecondsAgo(1801);
            assertThat(browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out"))).getText())
                    .contains("30 minutes without input");
            assertThat(browser.driver.executeScript(TOKEN_IN_TAB)).isNull();
        } finally {
            browser.driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script.get("identifier")));
        }
    }

    private static void setLastInputSecondsAgo(long seconds) {
        browser.driver.executeScript("sessionStorage.setItem('fleetgate.lastInput', String(Date.now() - arguments[0] * 1000))", seconds);
    }

    private static long secondsSinceLastInput() {
        return (Long) browser.driver.executeScript(
                "return Math.floor((Date.now() - Number(sessionStorage.getItem('fleetgate.lastInput'))) / 1000)");
    }

    private static void signIn(String token) {
        WebElement field = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-token")));
        field.clear();
        field.sendKeys(token);
        browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
    }

    private static List<WebElement> rows(String selector) {
        return browser.driver.findElements(By.cssSelector(selector));
    }

    /** The text of the vehicle's row's cell, counted from 1. */
    private static String cell(String vin, int column) {
        return browser.driver.findElement(By.cssSelector("#vehicles tr[data-vin='" + vin + "'] td:nth-child(" + column + ")")).getText();
    }
}
