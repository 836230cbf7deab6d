package io.fleetgate.console;

import static io.fleetgate.testing.TestFleet.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * A console tab left without a click, key or scroll forgets the admin token after
 * {@code fleetgate.console.idle-sign-out-seconds} (shortened to 4 s here; ConsoleHttpTest proves the
 * 30 minutes of the default). The page's own refreshes are no input, and neither is a reload.
 */
class ConsoleIdleSignOutTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String TOKEN_IN_TAB = "return sessionStorage.getItem('fleetgate.adminToken')";
    private static GatewayHarness harness;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        harness = GatewayHarness.builder().accounts(ALICE).setting("fleetgate.console.idle-sign-out-seconds", "4").start();
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
    void aTabWithoutInputForgetsTheAdminTokenAndAReloadDoesNotBringItBack() throws Exception {
        browser.driver.get(harness.url("/console/#/fleet"));
        signIn();

        // typing keeps it signed in well past the idle time
        long typingUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < typingUntil) {
            browser.driver.findElement(By.id("fleet-filter")).sendKeys("a");
            Thread.sleep(300);
        }
        assertThat(browser.driver.findElements(By.cssSelector("nav a"))).as("signed in while typing").isNotEmpty();
        assertThat(browser.driver.executeScript(TOKEN_IN_TAB)).isEqualTo(GatewayHarness.ADMIN_TOKEN);

        // then nothing but the page's own refreshes: the token is forgotten, and the page says why
        WebElement note = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
        assertThat(note.getText()).contains("4 seconds without input");
        assertThat(browser.driver.executeScript(TOKEN_IN_TAB)).isNull();
        assertThat(browser.driver.findElements(By.cssSelector("nav a"))).isEmpty();
        browser.screenshot("signed-out-idle");

        // signed in again; a reload long after the last input signs out at once, as it is no input itself
        signIn();
        browser.driver.executeScript("sessionStorage.setItem('fleetgate.lastInput', String(Date.now() - 60000))");
        browser.driver.navigate().refresh();
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
        assertThat(browser.driver.executeScript(TOKEN_IN_TAB)).isNull();
    }

    private static void signIn() {
        WebElement field = browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-token")));
        field.clear();
        field.sendKeys(GatewayHarness.ADMIN_TOKEN);
        browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("nav a[aria-current=page]")));
    }
}
