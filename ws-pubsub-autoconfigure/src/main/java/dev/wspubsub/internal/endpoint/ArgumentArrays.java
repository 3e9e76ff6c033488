package dev.wspubsub.internal.endpoint;

import java.util.Arrays;

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Argument arrays for handler calls, lent per event-loop thread and arity, so that a call
 * made for every message received allocates none: {@code Method.invoke} reads the array
 * and keeps nothing of it. A call made while its thread's array is lent (a handler whose
 * send runs another handler) gets a fresh one; so does every call off the event loops.
 */
final class ArgumentArrays {

	private static final int MAX_LENT_ARITY = 8;

	private static final Object[] NONE = new Object[0];

	/** Per thread, by arity: the array not lent out, or {@code null}. */
	private static final FastThreadLocal<Object[][]> SPARE = new FastThreadLocal<>() {
		@Override
		protected Object[][] initialValue() {
			return new Object[MAX_LENT_ARITY + 1][];
		}
	};

	private ArgumentArrays() {
	}

	/** An array of {@code arity} nulls, to be handed back once the call returns. */
	static Object[] borrow(int arity) {
		if (arity == 0) {
			return NONE;
		}
		if (!lends(arity)) {
			return new Object[arity];
		}
		Object[][] spare = SPARE.get();
		Object[] args = spare[arity];
		if (args == null) {
			return new Object[arity];
		}
		spare[arity] = null;
		return args;
	}

	/** Takes back an array from {@link #borrow}, emptied so it holds no message on. */
	static void giveBack(Object[] args) {
		if (args.length == 0 || !lends(args.length)) {
			return;
		}
		Arrays.fill(args, null);
		SPARE.get()[args.length] = args;
	}

	private static boolean lends(int arity) {
		return arity <= MAX_LENT_ARITY && FastThreadLocalThread.currentThreadHasFastThreadLocal();
	}

}
