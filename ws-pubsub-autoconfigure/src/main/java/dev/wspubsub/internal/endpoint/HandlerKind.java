package dev.wspubsub.internal.endpoint;

import java.lang.annotation.Annotation;

import dev.wspubsub.annotation.OnClose;
import dev.wspubsub.annotation.OnDrain;
import dev.wspubsub.annotation.OnError;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnPing;
import dev.wspubsub.annotation.OnPong;
import dev.wspubsub.annotation.OnTopicReset;
import dev.wspubsub.annotation.OnUpgrade;

/**
 * The kinds of handler method, with the parameters each may take beyond the common ones.
 */
enum HandlerKind {

	UPGRADE(OnUpgrade.class, "UpgradeRequest, ServerWebExchange, Principal"),
	OPEN(OnOpen.class, "WsSession, UpgradeRequest, Principal"),
	MESSAGE(OnMessage.class, "WsSession, UpgradeRequest, Principal and one message parameter"),
	CLOSE(OnClose.class, "WsSession, UpgradeRequest, Principal, int (code), String (reason)"),
	DRAIN(OnDrain.class, "WsSession, UpgradeRequest, Principal"),
	ERROR(OnError.class, "WsSession, UpgradeRequest, Principal, Throwable (or a subtype)"),
	PING(OnPing.class, "WsSession, UpgradeRequest, Principal, byte[] (the data)"),
	PONG(OnPong.class, "WsSession, UpgradeRequest, Principal, byte[] (the data)"),
	TOPIC_RESET(OnTopicReset.class, "WsSession, UpgradeRequest, Principal, String (the topic), StreamPosition");

	final Class<? extends Annotation> annotation;

	final String allowedParameters;

	HandlerKind(Class<? extends Annotation> annotation, String allowedParameters) {
		this.annotation = annotation;
		this.allowedParameters = allowedParameters;
	}

	String annotationName() {
		return "@" + this.annotation.getSimpleName();
	}

}
