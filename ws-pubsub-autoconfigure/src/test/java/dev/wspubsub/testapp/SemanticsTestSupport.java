package dev.wspubsub.testapp;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * Base of the tests against {@link SemanticsApplication}: they all share one running
 * context (same configuration, so Spring's test context cache starts it once).
 */
@SpringBootTest(classes = SemanticsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "test.small-payload=1KB", "test.short-idle=1s", "test.small-buffer=64KB",
				"test.publish-to-self=true" })
public abstract class SemanticsTestSupport extends WsTestSupport {

}
