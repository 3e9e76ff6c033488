package dev.wspubsub.autoconfigure;

import dev.wspubsub.internal.client.ClientScript;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The browser client, served at {@code ws-pubsub.client.path}
 * ({@code /ws-pubsub/client.js}) unless {@code ws-pubsub.client.enabled} is
 * {@code false}.
 */
@AutoConfiguration(after = WsPubSubAutoConfiguration.class)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnProperty(prefix = "ws-pubsub", name = { "enabled", "client.enabled" }, havingValue = "true",
		matchIfMissing = true)
@EnableConfigurationProperties(WsPubSubProperties.class)
public final class WsPubSubClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClientScript wsPubSubClientScript(WsPubSubProperties properties) {
		return new ClientScript(properties.getClient().getPath());
	}

	@Bean
	RouterFunction<ServerResponse> wsPubSubClientScriptRoutes(ClientScript wsClientScript) {
		return wsClientScript.routes();
	}

}
