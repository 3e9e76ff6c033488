package dev.wspubsub.testapp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.WsEndpoint;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** An application whose one endpoint records the thread each connection opens on. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(IoThreadsApplication.OpenThreads.class)
public class IoThreadsApplication {

	/** {@code @OnOpen} runs on the connection's event loop: its thread is the loop's. */
	@WsEndpoint("/thread")
	public static class OpenThreads {

		public final Set<Thread> threads = ConcurrentHashMap.newKeySet();

		@OnOpen
		void open(WsSession<?> ws) {
			this.threads.add(Thread.currentThread());
			ws.send("opened");
		}

	}

}
