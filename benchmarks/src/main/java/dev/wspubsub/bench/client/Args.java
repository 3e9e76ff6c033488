package dev.wspubsub.bench.client;

import java.util.HashMap;
import java.util.Map;

/**
 * Command-line options as {@code --name value} or {@code --name=value}, falling back to
 * the environment variable {@code BENCH_NAME} (upper case, dashes as underscores;
 * prefixed so that {@code PATH} or {@code HOST} never leak in), then a default.
 */
final class Args {

	private final Map<String, String> values = new HashMap<>();

	Args(String[] args) {
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Expected --name value, got '" + arg + "'");
			}
			int eq = arg.indexOf('=');
			if (eq > 0) {
				this.values.put(arg.substring(2, eq), arg.substring(eq + 1));
			}
			else if (i + 1 < args.length) {
				this.values.put(arg.substring(2), args[++i]);
			}
			else {
				throw new IllegalArgumentException("Missing value for " + arg);
			}
		}
	}

	String get(String name, String fallback) {
		String value = this.values.get(name);
		if (value == null) {
			value = System.getenv("BENCH_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
		}
		return (value != null && !value.isEmpty()) ? value : fallback;
	}

	int getInt(String name, int fallback) {
		return Integer.parseInt(get(name, Integer.toString(fallback)));
	}

	long getLong(String name, long fallback) {
		return Long.parseLong(get(name, Long.toString(fallback)));
	}

}
