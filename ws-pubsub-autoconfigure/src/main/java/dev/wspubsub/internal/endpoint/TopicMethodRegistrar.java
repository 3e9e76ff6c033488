package dev.wspubsub.internal.endpoint;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.WsServer;
import dev.wspubsub.annotation.Topic;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.PayloadValidator;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.channel.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Connects {@code @Topic} bean methods while the context runs: a method returning a
 * {@code Publisher} feeds its topic, a method with one parameter listens to its topic.
 */
public final class TopicMethodRegistrar implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(TopicMethodRegistrar.class);

	private final ApplicationContext context;

	private final WsServer server;

	private final TopicRegistry registry;

	private final ObjectMapper objectMapper;

	private final @Nullable PayloadValidator validator;

	private final List<Disposable> feeds = new ArrayList<>();

	private final List<Listener> listeners = new ArrayList<>();

	private volatile boolean running;

	public TopicMethodRegistrar(ApplicationContext context, WsServer server, TopicRegistry registry,
			ObjectMapper objectMapper) {
		this(context, server, registry, objectMapper, null);
	}

	/**
	 * @param validator checks a listener's {@code @Valid} parameter, as for
	 * {@code @OnMessage} handlers; {@code null} checks nothing
	 */
	public TopicMethodRegistrar(ApplicationContext context, WsServer server, TopicRegistry registry,
			ObjectMapper objectMapper, @Nullable PayloadValidator validator) {
		this.context = context;
		this.server = server;
		this.registry = registry;
		this.objectMapper = objectMapper;
		this.validator = validator;
	}

	@Override
	public synchronized void start() {
		for (String beanName : this.context.getBeanDefinitionNames()) {
			Class<?> type = this.context.getType(beanName, false);
			if (type == null) {
				continue;
			}
			Map<Method, Topic> methods = MethodIntrospector.selectMethods(
					AopUtils.isAopProxy(type) ? type : ClassUtils.getUserClass(type),
					(MethodIntrospector.MetadataLookup<Topic>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, Topic.class));
			if (methods.isEmpty()) {
				continue;
			}
			Object bean = this.context.getBean(beanName);
			methods.forEach((method, topic) -> connect(beanName, bean,
					AopUtils.selectInvocableMethod(method, bean.getClass()), topic.value()));
		}
		this.running = true;
	}

	private void connect(String beanName, Object bean, Method method, String topic) {
		method.trySetAccessible();
		String where = HandlerMethod.describe(beanName, method);
		if (validate(where, method, topic)) {
			this.feeds.add(feed(where, bean, method, topic));
		}
		else {
			PayloadValidator check = null;
			if (EndpointScanner.isValidated(method.getParameters()[0])) {
				if (this.validator == null) {
					throw new WsPubSubConfigurationException(
							"@Valid on the parameter of @Topic(\"" + topic + "\") listener " + where
									+ " would not be checked: there is no Bean Validation provider.",
							"Add spring-boot-starter-validation to the dependencies, or remove @Valid.");
				}
				check = this.validator;
			}
			Listener listener = new Listener(where, bean, method, topic, this.objectMapper, check);
			this.registry.subscribe(topic, listener);
			this.listeners.add(listener);
		}
	}

	/**
	 * Refuses a {@code @Topic} method that cannot work; shared with the build-time check
	 * of AOT processing.
	 * @return {@code true} for a feed (returns a Publisher), {@code false} for a listener
	 * (takes one parameter)
	 */
	static boolean validate(String where, Method method, String topic) {
		if (topic.isEmpty()) {
			throw new WsPubSubConfigurationException("@Topic on " + where + " has no topic name.",
					"Name the topic: @Topic(\"metrics\").");
		}
		if (Publisher.class.isAssignableFrom(method.getReturnType()) && method.getParameterCount() == 0) {
			return true;
		}
		if (method.getParameterCount() == 1) {
			return false;
		}
		throw new WsPubSubConfigurationException(
				"@Topic(\"" + topic + "\") method " + where
						+ " neither returns a Publisher with no parameters nor takes exactly one parameter.",
				"Return a Flux of what to publish, or take one parameter to receive the topic's messages.");
	}

	private Disposable feed(String where, Object bean, Method method, String topic) {
		Flux<?> source = Flux.defer(() -> {
			try {
				return Flux.from((Publisher<?>) method.invoke(bean));
			}
			catch (InvocationTargetException ex) {
				return Flux.error(ex.getTargetException());
			}
			catch (IllegalAccessException ex) {
				return Flux.error(ex);
			}
		});
		return source
			.doOnError(
					(ex) -> logger.warn("@Topic(\"" + topic + "\") publisher " + where + " failed; resubscribing", ex))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30)))
			.subscribe((element) -> {
				try {
					this.server.publish(topic, element);
				}
				catch (RuntimeException ex) {
					// One element that cannot be published (not serialisable) must not
					// end the feed.
					logger.warn("@Topic(\"" + topic + "\") publisher " + where + " emitted an element that could not"
							+ " be published", ex);
				}
			});
	}

	@Override
	public synchronized void stop() {
		this.feeds.forEach(Disposable::dispose);
		this.feeds.clear();
		this.listeners.forEach((listener) -> this.registry.unsubscribe(listener.topic, listener));
		this.listeners.clear();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * A server-side subscriber calling one bean method per message, on the publishing
	 * thread.
	 */
	private static final class Listener implements TopicSubscriber {

		private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

		private final String where;

		private final Object bean;

		private final Method method;

		private final String topic;

		private final ObjectMapper objectMapper;

		private final @Nullable PayloadValidator validator;

		private final Class<?> parameterType;

		private final AtomicLong unreadable = new AtomicLong();

		private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());

		Listener(String where, Object bean, Method method, String topic, ObjectMapper objectMapper,
				@Nullable PayloadValidator validator) {
			this.validator = validator;
			this.where = where;
			this.bean = bean;
			this.method = method;
			this.topic = topic;
			this.objectMapper = objectMapper;
			this.parameterType = method.getParameterTypes()[0];
		}

		@Override
		public @Nullable EventLoop eventLoop() {
			return null;
		}

		@Override
		public void deliver(String topic, OutboundMessage message) {
			Object argument;
			try {
				argument = convert(message);
			}
			catch (RuntimeException ex) {
				unreadable(topic, String.valueOf(ex));
				return;
			}
			String violations = (this.validator != null) ? this.validator.validate(argument) : null;
			if (violations != null) {
				unreadable(topic, "invalid: " + violations);
				return;
			}
			try {
				this.method.invoke(this.bean, argument);
			}
			catch (InvocationTargetException ex) {
				logger.warn("@Topic(\"" + topic + "\") listener " + this.where + " failed", ex.getTargetException());
			}
			catch (RuntimeException | IllegalAccessException ex) {
				logger.warn("@Topic(\"" + topic + "\") listener " + this.where + " could not take a message", ex);
			}
		}

		/**
		 * Clients can publish to the topic too: a message the parameter cannot be read
		 * from, or that its {@code @Valid} check refuses, is theirs to send at any rate,
		 * so it is logged at most once a minute, with a count and without a stack trace.
		 */
		private void unreadable(String topic, String ex) {
			long count = this.unreadable.incrementAndGet();
			long now = System.nanoTime();
			long next = this.nextWarning.get();
			if (now - next >= 0 && this.nextWarning.compareAndSet(next, now + WARNING_INTERVAL_NANOS)) {
				logger.warn("@Topic(\"" + topic + "\") listener " + this.where + " could not read "
						+ this.unreadable.getAndSet(0) + " message(s) as " + this.parameterType.getSimpleName()
						+ " since the last warning; latest: " + ex);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("@Topic(\"" + topic + "\") listener " + this.where + " could not read a message (" + count
						+ " since the last warning): " + ex);
			}
		}

		private Object convert(OutboundMessage message) {
			if (this.parameterType == String.class) {
				return message.text();
			}
			if (this.parameterType == byte[].class) {
				return message.bytes();
			}
			if (this.parameterType == JsonNode.class) {
				return this.objectMapper.readTree(message.bytes());
			}
			return this.objectMapper.readValue(message.bytes(), this.parameterType);
		}

		@Override
		public String toString() {
			return "@Topic listener " + this.where;
		}

	}

}
