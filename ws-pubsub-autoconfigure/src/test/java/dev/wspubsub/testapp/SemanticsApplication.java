package dev.wspubsub.testapp;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The application every semantics test runs against: all test endpoints in one context,
 * listed rather than scanned so other test applications stay out of it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ Events.class, TopicMethods.class, SlowUpgradeEndpoint.Gate.class, EchoEndpoint.class, ApiEndpoint.class,
		ByteBufferEndpoint.class, CustomErrorEndpoint.class, AsyncUpgradeEchoEndpoint.class, UpgradeEndpoint.class,
		SlowUpgradeEndpoint.class, LimitEndpoints.SmallPayload.class, LimitEndpoints.ShortIdle.class,
		LimitEndpoints.ShortIdleNoPings.class, LimitEndpoints.SlowReader.class, LimitEndpoints.StrictSlowReader.class,
		LimitEndpoints.PublishToSelf.class, LimitEndpoints.Deflate.class, SmallSendBuffers.class })
public class SemanticsApplication {

}
