package dev.wspubsub.autoconfigure;

import dev.wspubsub.WsPubSubConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints a ws-pubsub misconfiguration as the problem and the fix, instead of a stack
 * trace.
 */
class WsPubSubFailureAnalyzer extends AbstractFailureAnalyzer<WsPubSubConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WsPubSubConfigurationException cause) {
		return new FailureAnalysis(cause.description(), cause.action(), cause);
	}

}
