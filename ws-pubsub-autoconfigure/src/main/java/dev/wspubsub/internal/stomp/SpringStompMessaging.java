package dev.wspubsub.internal.stomp;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.wspubsub.ServerBusyException;
import dev.wspubsub.WsServer;
import dev.wspubsub.internal.dispatch.BusyWarnings;
import dev.wspubsub.internal.dispatch.HandlerInvoker;
import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBufAllocator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationContext;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.handler.MessagingAdviceBean;
import org.springframework.messaging.handler.annotation.support.AnnotationExceptionHandlerMethodResolver;
import org.springframework.messaging.handler.invocation.HandlerMethodReturnValueHandler;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.annotation.support.SimpAnnotationMethodMessageHandler;
import org.springframework.messaging.support.ExecutorSubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeType;
import org.springframework.validation.Validator;

/**
 * Spring's own annotation machinery on ws-pubsub's topics. A
 * {@link SimpAnnotationMethodMessageHandler} finds the {@code @MessageMapping},
 * {@code @SubscribeMapping} and {@code @MessageExceptionHandler} methods of
 * {@code @Controller} beans and resolves their arguments, as on the Servlet stack; its
 * three channels are in-process bridges: the broker channel publishes to topics, the
 * client outbound channel writes to one session, and the client inbound channel is not
 * used, frames are handed over directly.
 */
public final class SpringStompMessaging implements ApplicationDestinations {

	private static final Log logger = LogFactory.getLog(SpringStompMessaging.class);

	private final StompBroker broker;

	private final WsServer server;

	private final HandlerInvoker invoker;

	private final MessageConverter converter;

	private final SimpMessagingTemplate template;

	private final SimpAnnotationMethodMessageHandler handler;

	private final BusyWarnings busyWarnings = new BusyWarnings("STOMP controllers");

	/**
	 * @param validator checks {@code @Valid @Payload} arguments, or {@code null}
	 * @param invoker runs controller methods on its blocking pool, in order per session
	 * (they may block), observed as the JSON endpoints' handlers are
	 */
	public SpringStompMessaging(StompBroker broker, WsServer server, ApplicationContext context, JsonMapper jsonMapper,
			@Nullable Validator validator, HandlerInvoker invoker) {
		this.broker = broker;
		this.server = server;
		this.invoker = invoker;
		StompSettings settings = broker.settings();
		this.converter = new CompositeMessageConverter(List.of(new StringMessageConverter(),
				new ByteArrayMessageConverter(), new JacksonJsonMessageConverter(jsonMapper)));
		this.template = new SimpMessagingTemplate(this::toBroker);
		this.template.setMessageConverter(this.converter);
		this.template.setUserDestinationPrefix(settings.userDestinationPrefix());
		SimpMessagingTemplate brokerTemplate = this.template;
		this.handler = new SimpAnnotationMethodMessageHandler(new ExecutorSubscribableChannel(), this::toClient,
				brokerTemplate) {

			@Override
			public void afterPropertiesSet() {
				for (MessagingAdviceBean advice : ControllerAdvices.find(context)) {
					Class<?> type = advice.getBeanType();
					AnnotationExceptionHandlerMethodResolver resolver = (type != null)
							? new AnnotationExceptionHandlerMethodResolver(type) : null;
					if (resolver != null && resolver.hasExceptionMappings()) {
						registerExceptionHandlerAdvice(advice, resolver);
					}
				}
				super.afterPropertiesSet();
			}

			@Override
			protected List<? extends HandlerMethodReturnValueHandler> initReturnValueHandlers() {
				// Spring's reactive handler takes single values only; a Flux is sent
				// element by element.
				List<HandlerMethodReturnValueHandler> handlers = new java.util.ArrayList<>();
				handlers.add(new MultiValueReturnValueHandler(brokerTemplate));
				handlers.addAll(super.initReturnValueHandlers());
				return handlers;
			}
		};
		this.handler.setDestinationPrefixes(settings.applicationDestinationPrefixes());
		this.handler.setMessageConverter(this.converter);
		if (validator != null) {
			this.handler.setValidator(validator);
		}
		this.handler.setApplicationContext(context);
		this.handler.afterPropertiesSet();
	}

	/** Sends to topics, as Spring's {@code SimpMessagingTemplate} sends to its broker. */
	public SimpMessagingTemplate template() {
		return this.template;
	}

	/** The {@code @MessageMapping} methods found, for start-up checks and tests. */
	public int handlerMethodCount() {
		return this.handler.getHandlerMethods().size();
	}

	// ---- frames in

	@Override
	public void send(StompSession session, StompFrame frame, String destination) {
		dispatch(session, frame, destination, SimpMessageType.MESSAGE, null);
	}

	@Override
	public void subscribe(StompSession session, StompFrame frame, String destination, String subscriptionId) {
		dispatch(session, frame, destination, SimpMessageType.SUBSCRIBE, subscriptionId);
	}

	private void dispatch(StompSession session, StompFrame frame, String destination, SimpMessageType type,
			@Nullable String subscriptionId) {
		Message<byte[]> message = toMessage(session, frame, destination, type, subscriptionId);
		String observedAs = (type == SimpMessageType.SUBSCRIBE) ? "stomp-subscribe" : "stomp-send";
		// A refusal is reported on this thread, before invokeOn returns.
		ServerBusyException[] refused = new ServerBusyException[1];
		// Spring's handler sends what the method returns through the channels below.
		this.invoker.invokeOn(session.serial(this.invoker.blockingExecutor()), session.connection(), observedAs, () -> {
			this.handler.handleMessage(message);
			return null;
		}, new HandlerInvoker.Outcome() {

			@Override
			public void returned(@Nullable Object result) {
			}

			@Override
			public void failed(Throwable error) {
				if (error instanceof ServerBusyException busy) {
					refused[0] = busy;
					return;
				}
				logger.warn(session + ": " + type + " to " + destination + " failed", error);
			}

		});
		if (refused[0] != null) {
			this.busyWarnings.refused(session.connection());
			throw refused[0];
		}
	}

	private static Message<byte[]> toMessage(StompSession session, StompFrame frame, String destination,
			SimpMessageType type, @Nullable String subscriptionId) {
		SimpMessageHeaderAccessor accessor = SimpMessageHeaderAccessor.create(type);
		frame.headers().forEach(accessor::addNativeHeader);
		accessor.setDestination(destination);
		accessor.setSessionId(session.id());
		accessor.setSessionAttributes(session.attributes());
		accessor.setUser(session.principal());
		if (subscriptionId != null) {
			accessor.setSubscriptionId(subscriptionId);
		}
		String contentType = frame.header("content-type");
		if (contentType != null) {
			try {
				accessor.setContentType(MimeType.valueOf(contentType));
			}
			catch (IllegalArgumentException ex) {
				throw new StompProtocolException(
						"content-type '" + StompDecoder.shorten(contentType) + "' is not a media type");
			}
		}
		return MessageBuilder.createMessage(frame.body(), accessor.getMessageHeaders());
	}

	// ---- messages out

	/** The broker channel: a destination under the broker or user prefix is a topic. */
	private boolean toBroker(Message<?> message, long timeout) {
		MessageHeaders headers = message.getHeaders();
		String destination = SimpMessageHeaderAccessor.getDestination(headers);
		StompSettings settings = this.broker.settings();
		if (destination == null
				|| !(settings.isBrokerDestination(destination) || settings.isUserDestination(destination))) {
			logger.warn("Message to '" + destination + "' not sent: it is under none of the broker prefixes "
					+ settings.brokerDestinationPrefixes() + " or the user prefix " + settings.userDestinationPrefix());
			return false;
		}
		Object payload = payload(message);
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		if (sessionId != null && settings.isUserDestination(destination)) {
			// @SendToUser(broadcast = false), or an anonymous user: that session only.
			toSession(sessionId, destination, payload);
			return true;
		}
		this.server.publish(destination, payload);
		return true;
	}

	private void toSession(String sessionId, String destination, Object payload) {
		StompSession session = this.broker.sessions().get(sessionId);
		if (session == null) {
			return; // closed meanwhile: its subscriptions are gone too
		}
		ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
		OutboundMessage body = (payload instanceof String text) ? OutboundMessage.text(allocator, text, false)
				: OutboundMessage.bytes(allocator, (byte[]) payload, false, false);
		session.connection().channel().eventLoop().execute(() -> {
			try {
				this.broker.writer().deliver(session, destination, body);
			}
			finally {
				body.release();
			}
		});
	}

	/** Text for a textual content type or UTF-8 without one; bytes otherwise. */
	private static Object payload(Message<?> message) {
		Object payload = message.getPayload();
		if (payload instanceof String) {
			return payload;
		}
		if (!(payload instanceof byte[] bytes)) {
			throw new IllegalArgumentException("Expected a converted byte[] payload, got " + payload.getClass());
		}
		MimeType type = contentType(message.getHeaders());
		boolean text = (type != null) ? isTextual(type) : StompWriter.isUtf8(bytes);
		return text ? new String(bytes, StandardCharsets.UTF_8) : bytes;
	}

	private static @Nullable MimeType contentType(MessageHeaders headers) {
		Object value = headers.get(MessageHeaders.CONTENT_TYPE);
		return (value instanceof MimeType type) ? type : (value instanceof String text) ? MimeType.valueOf(text) : null;
	}

	private static boolean isTextual(MimeType type) {
		String subtype = type.getSubtype();
		return "text".equals(type.getType()) || subtype.equals("json") || subtype.endsWith("+json")
				|| subtype.equals("xml") || subtype.endsWith("+xml");
	}

	/**
	 * The client outbound channel: a {@code @SubscribeMapping} answer to its subscriber.
	 */
	private boolean toClient(Message<?> message, long timeout) {
		MessageHeaders headers = message.getHeaders();
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		String subscriptionId = SimpMessageHeaderAccessor.getSubscriptionId(headers);
		String destination = SimpMessageHeaderAccessor.getDestination(headers);
		StompSession session = (sessionId != null) ? this.broker.sessions().get(sessionId) : null;
		if (session == null || subscriptionId == null || destination == null) {
			return false;
		}
		Object payload = payload(message);
		byte[] body = (payload instanceof String text) ? text.getBytes(StandardCharsets.UTF_8) : (byte[]) payload;
		MimeType type = contentType(headers);
		this.broker.writer()
			.message(session, subscriptionId, destination, (type != null) ? type.toString() : null, body);
		return true;
	}

}
