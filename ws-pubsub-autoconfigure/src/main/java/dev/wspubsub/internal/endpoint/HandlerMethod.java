package dev.wspubsub.internal.endpoint;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/** A handler method with its parameters resolved by type, ready to call. */
final class HandlerMethod {

	private final Object bean;

	private final String beanName;

	private final Method method;

	private final HandlerKind kind;

	private final Function<CallContext, @Nullable Object>[] resolvers;

	/** The parameter bound from the message, or {@code null}. */
	private final @Nullable Class<?> payloadType;

	private final boolean validated;

	private final boolean blocking;

	HandlerMethod(Object bean, String beanName, Method method, HandlerKind kind,
			Function<CallContext, @Nullable Object>[] resolvers, @Nullable Class<?> payloadType, boolean validated,
			boolean blocking) {
		this.bean = bean;
		this.beanName = beanName;
		this.method = method;
		this.kind = kind;
		this.resolvers = resolvers;
		this.payloadType = payloadType;
		this.validated = validated;
		this.blocking = blocking;
		this.method.trySetAccessible();
	}

	/** Calls the method; exceptions it throws come out unwrapped. */
	@Nullable Object invoke(CallContext context) throws Throwable {
		Object[] args = ArgumentArrays.borrow(this.resolvers.length);
		try {
			for (int i = 0; i < args.length; i++) {
				args[i] = this.resolvers[i].apply(context);
			}
			return this.method.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
		finally {
			ArgumentArrays.giveBack(args);
		}
	}

	@Nullable Class<?> payloadType() {
		return this.payloadType;
	}

	boolean validated() {
		return this.validated;
	}

	boolean blocking() {
		return this.blocking;
	}

	HandlerKind kind() {
		return this.kind;
	}

	Method method() {
		return this.method;
	}

	/** The first parameter type, for {@code @OnError} matching. */
	Class<?>[] parameterTypes() {
		return this.method.getParameterTypes();
	}

	String describe() {
		return describe(this.beanName, this.method);
	}

	static String describe(String beanName, Method method) {
		StringBuilder signature = new StringBuilder();
		for (Class<?> type : method.getParameterTypes()) {
			signature.append((signature.length() > 0) ? ", " : "").append(type.getSimpleName());
		}
		return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "(" + signature + ") of bean '"
				+ beanName + "'";
	}

	@Override
	public String toString() {
		return describe();
	}

}
