package dev.wspubsub.internal.security;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A topic pattern of literal text, {@code *} (any characters, none included) and single
 * any-character positions, matched without backtracking: the pattern is cut at its stars
 * into segments; the first must begin the topic, the last must end it, and each one
 * between is placed at its leftmost fit after the one before (which is never worse than a
 * later fit). So a match costs at most the topic's length times the pattern's, whatever
 * the number of stars, where a regular expression of {@code .*} groups backtracks
 * polynomially on a topic that almost fits. Literal text here is never a pattern: a claim
 * value with a {@code *} in it matches only a {@code *}.
 */
final class TopicGlob {

	/** The text between stars, with any-character positions marked in {@link #any}. */
	private final List<char[]> segments;

	private final List<boolean[]> any;

	private TopicGlob(List<char[]> segments, List<boolean[]> any) {
		this.segments = segments;
		this.any = any;
	}

	static Builder builder() {
		return new Builder();
	}

	boolean matches(String topic) {
		int last = this.segments.size() - 1;
		int n = topic.length();
		if (last == 0) {
			return n == this.segments.get(0).length && fitsAt(0, topic, 0);
		}
		int head = this.segments.get(0).length;
		int tail = this.segments.get(last).length;
		if (n < head + tail || !fitsAt(0, topic, 0) || !fitsAt(last, topic, n - tail)) {
			return false;
		}
		int from = head;
		int end = n - tail;
		for (int i = 1; i < last; i++) {
			int at = leftmostFit(i, topic, from, end);
			if (at < 0) {
				return false;
			}
			from = at + this.segments.get(i).length;
		}
		return true;
	}

	private int leftmostFit(int segment, String topic, int from, int end) {
		int length = this.segments.get(segment).length;
		for (int at = from; at + length <= end; at++) {
			if (fitsAt(segment, topic, at)) {
				return at;
			}
		}
		return -1;
	}

	private boolean fitsAt(int segment, String topic, int at) {
		char[] chars = this.segments.get(segment);
		boolean[] any = this.any.get(segment);
		for (int i = 0; i < chars.length; i++) {
			if (!any[i] && topic.charAt(at + i) != chars[i]) {
				return false;
			}
		}
		return true;
	}

	/** Builds a glob element by element; literal text is taken as it is. */
	static final class Builder {

		private final List<char[]> segments = new ArrayList<>();

		private final List<boolean[]> any = new ArrayList<>();

		private final StringBuilder current = new StringBuilder();

		private final BitSet currentAny = new BitSet();

		/** Text that must appear as it is. */
		Builder literal(String text) {
			this.current.append(text);
			return this;
		}

		/** Exactly one character, any. */
		Builder one() {
			this.currentAny.set(this.current.length());
			this.current.append('?');
			return this;
		}

		/** Any characters, none included. */
		Builder star() {
			endSegment();
			return this;
		}

		/**
		 * Text in which each {@code *} is a {@link #star()} and every other character is
		 * literal.
		 */
		Builder pattern(String text) {
			int start = 0;
			for (int star = text.indexOf('*'); star >= 0; star = text.indexOf('*', start)) {
				literal(text.substring(start, star)).star();
				start = star + 1;
			}
			return literal(text.substring(start));
		}

		TopicGlob build() {
			endSegment();
			return new TopicGlob(List.copyOf(this.segments), List.copyOf(this.any));
		}

		private void endSegment() {
			char[] chars = this.current.toString().toCharArray();
			boolean[] any = new boolean[chars.length];
			for (int i = 0; i < chars.length; i++) {
				any[i] = this.currentAny.get(i);
			}
			this.segments.add(chars);
			this.any.add(any);
			this.current.setLength(0);
			this.currentAny.clear();
		}

	}

}
