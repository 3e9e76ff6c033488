package dev.wspubsub.autoconfigure;

import dev.wspubsub.internal.client.ClientScript;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;

class WsPubSubClientAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WsPubSubAutoConfiguration.class, WsPubSubClientAutoConfiguration.class));

	@Test
	void theClientIsServedByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ClientScript.class).hasBean("wsPubSubClientScriptRoutes");
			WebTestClient client = routes(context);
			client.get()
				.uri("/ws-pubsub/client.js")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.contentTypeCompatibleWith("text/javascript")
				.expectBody(String.class)
				.value((body) -> assertThat(body).contains("export function connect("));
		});
	}

	@Test
	void theClientIsVersionedByAnETagAndRevalidated() {
		this.runner.run((context) -> {
			String version = context.getBean(ClientScript.class).version();
			assertThat(version).hasSize(16);
			WebTestClient client = routes(context);
			client.get()
				.uri("/ws-pubsub/client.js")
				.exchange()
				.expectHeader()
				.valueEquals(HttpHeaders.ETAG, "\"" + version + "\"")
				.expectHeader()
				.cacheControl(CacheControl.noCache());
			client.get()
				.uri("/ws-pubsub/client.js")
				.header(HttpHeaders.IF_NONE_MATCH, "\"" + version + "\"")
				.exchange()
				.expectStatus()
				.isNotModified()
				.expectBody()
				.isEmpty();
			client.get()
				.uri("/ws-pubsub/client.js")
				.header(HttpHeaders.IF_NONE_MATCH, "\"an-older-version\"")
				.exchange()
				.expectStatus()
				.isOk();
		});
	}

	@Test
	void theTypesAreServedBesideTheModule() {
		this.runner.withPropertyValues("ws-pubsub.client.path=/assets/pubsub.js").run((context) -> {
			WebTestClient client = routes(context);
			client.get().uri("/assets/pubsub.js").exchange().expectStatus().isOk();
			client.get()
				.uri("/assets/pubsub.d.ts")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.value((body) -> assertThat(body).contains("export declare function connect("));
			client.get().uri("/ws-pubsub/client.js").exchange().expectStatus().isNotFound();
		});
	}

	@Test
	void whenDisabledThenNothingIsServed() {
		this.runner.withPropertyValues("ws-pubsub.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClientScript.class)
				.doesNotHaveBean("wsPubSubClientScriptRoutes"));
		this.runner.withPropertyValues("ws-pubsub.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClientScript.class));
	}

	@Test
	void aPathThatIsNotAModuleFailsAtStartUp() {
		ExpectedLog.startupFailure(() -> this.runner.withPropertyValues("ws-pubsub.client.path=client")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("must start with '/' and end with '.js'")));
	}

	private static WebTestClient routes(ApplicationContext context) {
		return WebTestClient.bindToRouterFunction(context.getBean("wsPubSubClientScriptRoutes", RouterFunction.class))
			.build();
	}

	@Test
	void theDefaultsAreTheDocumentedOnes() {
		WsPubSubProperties.Client client = new WsPubSubProperties().getClient();
		assertThat(client.isEnabled()).isTrue();
		assertThat(client.getPath()).isEqualTo("/ws-pubsub/client.js");
	}

}
