package dev.wspubsub.sample.stomp;

import java.security.Principal;

import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.annotation.SendToUser;
import org.springframework.stereotype.Controller;
import org.springframework.web.util.HtmlUtils;

/**
 * Spring's greeting controller, as written for its Servlet STOMP support: a greeting to
 * everyone, and a whisper only the sender's own connections receive.
 */
@Controller
public class GreetingController {

	@MessageMapping("/hello")
	@SendTo("/topic/greetings")
	public Greeting greeting(HelloMessage message) {
		return new Greeting("Hello, " + HtmlUtils.htmlEscape(message.name()) + "!");
	}

	/**
	 * A user destination: answered on {@code /user/queue/whispers} of the sender only.
	 */
	@MessageMapping("/whisper")
	@SendToUser("/queue/whispers")
	public Greeting whisper(HelloMessage message, SimpMessageHeaderAccessor headers) {
		// Anonymous here; behind Spring Security's bearer token, the principal's name.
		Principal principal = headers.getUser();
		String who = (principal != null) ? principal.getName() : "session " + headers.getSessionId();
		return new Greeting("Psst, " + HtmlUtils.htmlEscape(message.name()) + ": only " + who + " sees this.");
	}

}
