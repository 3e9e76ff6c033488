package dev.wspubsub.internal.security;

import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.autoconfigure.WsPubSubAutoConfiguration;
import dev.wspubsub.autoconfigure.WsPubSubResourceServerAutoConfiguration;
import dev.wspubsub.autoconfigure.WsPubSubSecurityAutoConfiguration;
import dev.wspubsub.internal.endpoint.EndpointGuard;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

@WithSpringSecurity
class ResourceServerAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WsPubSubAutoConfiguration.class, WsPubSubSecurityAutoConfiguration.class,
						WsPubSubResourceServerAutoConfiguration.class, ReactiveWebSecurityAutoConfiguration.class));

	@Test
	void withoutAnApplicationChainTheEndpointChainAndTheDefaultChainAreDefined() {
		this.runner.withUserConfiguration(SecuredEndpoint.class, Decoder.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(SecurityWebFilterChain.class))
				.containsOnlyKeys("wsPubSubSecurityWebFilterChain", "wsPubSubDefaultSecurityWebFilterChain");
			assertThat(context.getBean(SecuredEndpoints.class).authenticatedPaths()).containsExactly("/secured");
		});
	}

	@Test
	void anApplicationChainMakesOursBackOff() {
		this.runner.withUserConfiguration(SecuredEndpoint.class, Decoder.class, OwnChain.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(SecurityWebFilterChain.class)).containsOnlyKeys("ownChain");
			assertThat(context).hasSingleBean(OriginWebFilter.class);
			assertThat(context.getBeansOfType(EndpointGuard.class)).containsKeys("wsPubSubAuthenticationRequirement",
					"wsPubSubBearerSubprotocol", "wsPubSubTokenExpiryGuard");
		});
	}

	@Test
	void anEndpointThatRequiresATokenWithoutADecoderFailsAtStartUpNamingTheFix() {
		ExpectedLog.startupFailure(() -> this.runner.withUserConfiguration(SecuredEndpoint.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("[/secured] require authentication")
				.hasMessageContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri");
		}));
	}

	@Test
	void theAuthenticatedPathsPropertyMarksEndpointsToo() {
		this.runner.withUserConfiguration(OpenEndpoint.class, Decoder.class)
			.withPropertyValues("ws-pubsub.security.authenticated-paths=/op*")
			.run((context) -> assertThat(context.getBean(SecuredEndpoints.class).authenticatedPaths())
				.containsExactly("/open"));
	}

	@Test
	void withoutSpringSecurityOnlyTheTokenFreeGuardsAreDefined() {
		this.runner.withUserConfiguration(OpenEndpoint.class)
			.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(TokenExpiryGuard.class);
				assertThat(context).hasSingleBean(OriginWebFilter.class);
				assertThat(context).hasSingleBean(ConnectionLimitWebFilter.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Decoder {

		@Bean
		ReactiveJwtDecoder decoder() {
			return Tokens.decoder();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnChain {

		@Bean
		SecurityWebFilterChain ownChain(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll()).build();
		}

	}

	@WsEndpoint(path = "/secured", authenticated = "true")
	static class SecuredEndpoint {

		@OnOpen
		void open() {
		}

	}

	@WsEndpoint("/open")
	static class OpenEndpoint {

		@OnOpen
		void open() {
		}

	}

}
