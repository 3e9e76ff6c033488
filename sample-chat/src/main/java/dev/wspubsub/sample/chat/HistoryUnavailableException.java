package dev.wspubsub.sample.chat;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The history store did not answer in time; over HTTP a 503. */
@ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
class HistoryUnavailableException extends RuntimeException {

	HistoryUnavailableException(Throwable cause) {
		super("History is unavailable", cause);
	}
}
