package dev.wspubsub.sample.stomp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class StompSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(StompSampleApplication.class, args);
	}

}
