package dev.wspubsub.quickstart;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;

import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.test.WsUpgradeRejectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The README's Quick start, taken from README.md as it is: its Java compiles as written
 * (imports, main class and all) and the application it makes runs and chats, with its
 * {@code application.yml}; its build snippet names this build's versions. So the README
 * cannot drift from the API.
 */
class ReadmeQuickStartTests {

	private static final Path README = Path.of(System.getProperty("readme.path", "../README.md"));

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```");

	private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");

	private static final Pattern TYPE = Pattern
		.compile("(?m)^(?:public\\s+)?(?:final\\s+)?(?:class|interface|record|enum)\\s+(\\w+)");

	record Block(String language, String text) {
	}

	@Test
	void buildSnippetsInstallFirstAndUseThisBuildsVersions() throws Exception {
		List<Block> blocks = quickStart();
		assertThat(blocks).filteredOn((block) -> block.language().equals("bash"))
			.singleElement()
			.extracting(Block::text)
			.asString()
			.contains("./mvnw install");
		Block xml = blocks.stream().filter((block) -> block.language().equals("xml")).findFirst().orElseThrow();
		Document pom = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(new InputSource(new StringReader("<project>" + xml.text() + "</project>")));
		Element parent = (Element) pom.getElementsByTagName("parent").item(0);
		assertThat(text(parent, "groupId")).isEqualTo("org.springframework.boot");
		assertThat(text(parent, "artifactId")).isEqualTo("spring-boot-starter-parent");
		assertThat(text(parent, "version")).isEqualTo(System.getProperty("spring-boot.version"));
		Element dependency = (Element) pom.getElementsByTagName("dependency").item(0);
		assertThat(pom.getElementsByTagName("dependency").getLength()).as("the starter is the one dependency").isOne();
		assertThat(text(dependency, "groupId")).isEqualTo("dev.wspubsub");
		assertThat(text(dependency, "artifactId")).isEqualTo("ws-pubsub-spring-boot-starter");
		assertThat(text(dependency, "version")).isEqualTo(System.getProperty("wspubsub.version"));
	}

	@Test
	void javaCompilesAsWrittenAndTheApplicationChats(@TempDir Path dir) throws Exception {
		Path sources = dir.resolve("src");
		Path classes = Files.createDirectories(dir.resolve("classes"));
		List<Path> files = new ArrayList<>();
		for (Block block : quickStart()) {
			if (block.language().equals("java")) {
				files.add(write(sources, block.text()));
			}
			else if (block.language().equals("yaml")) {
				Files.writeString(classes.resolve("application.yml"), block.text());
			}
		}
		assertThat(files).as("the Quick start's Java files").hasSizeGreaterThanOrEqualTo(2);
		assertThat(classes.resolve("application.yml")).exists();
		compile(files, classes);

		try (URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() },
				getClass().getClassLoader()); ConfigurableApplicationContext context = run(loader, classes)) {
			String port = context.getEnvironment().getProperty("local.server.port");
			URI ws = URI.create("ws://localhost:" + port + "/ws");
			try (WsTestClient ann = WsTestClient.connect(URI.create(ws + "?name=ann"));
					WsTestClient bob = WsTestClient.connect(URI.create(ws + "?name=bob"))) {
				ann.send("hello");
				assertThat(bob.awaitMessage(WAIT)).isEqualTo("ann: hello");
				bob.send("hi");
				// Not the sender's own message first: ws.publish skips the sender.
				assertThat(ann.awaitMessage(WAIT)).isEqualTo("bob: hi");
				// The README's application.yml is the one in force: 64KB at most.
				ann.send("x".repeat(70 * 1024));
				assertThat(ann.awaitClose(WAIT).code()).isEqualTo(1009);
			}
			assertThatExceptionOfType(WsUpgradeRejectedException.class).isThrownBy(() -> WsTestClient.connect(ws))
				.satisfies((rejected) -> assertThat(rejected.status()).isEqualTo(400));
		}
	}

	/** The fenced blocks of the README's Quick start section, in order. */
	private static List<Block> quickStart() throws IOException {
		String readme = Files.readString(README, StandardCharsets.UTF_8);
		int start = readme.indexOf("\n## Quick start\n");
		assertThat(start).as("a Quick start section in %s", README).isNotNegative();
		int end = readme.indexOf("\n## ", start + 1);
		Matcher matcher = BLOCK.matcher(readme.substring(start, (end > 0) ? end : readme.length()));
		List<Block> blocks = new ArrayList<>();
		while (matcher.find()) {
			blocks.add(new Block(matcher.group(1).toLowerCase(Locale.ROOT), matcher.group(2)));
		}
		return blocks;
	}

	private static String text(Element element, String tag) {
		return element.getElementsByTagName(tag).item(0).getTextContent().strip();
	}

	/** Writes a source where javac wants it: its package's folder, its type's name. */
	private static Path write(Path sources, String java) throws IOException {
		Matcher pkg = PACKAGE.matcher(java);
		Matcher type = TYPE.matcher(java);
		assertThat(pkg.find()).as("a package declaration in\n%s", java).isTrue();
		assertThat(type.find()).as("a top-level type in\n%s", java).isTrue();
		Path file = sources.resolve(pkg.group(1).replace('.', '/')).resolve(type.group(1) + ".java");
		Files.createDirectories(file.getParent());
		return Files.writeString(file, java);
	}

	/** Compiles against the classpath a new application with the starter has. */
	private static void compile(List<Path> files, Path classes) throws IOException {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		// Surefire may start the JVM from a manifest-only jar; it names the classpath
		// here.
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
				StandardCharsets.UTF_8)) {
			boolean compiled = compiler
				.getTask(null, fileManager, diagnostics,
						List.of("--release", "17", "-parameters", "-classpath", classpath, "-d", classes.toString()),
						null, fileManager.getJavaFileObjectsFromPaths(files))
				.call();
			assertThat(compiled)
				.as("the Quick start compiles: %s",
						diagnostics.getDiagnostics()
							.stream()
							.filter((diagnostic) -> diagnostic.getKind() == Diagnostic.Kind.ERROR)
							.map((diagnostic) -> diagnostic.getSource().getName() + ":" + diagnostic.getLineNumber()
									+ ": " + diagnostic.getMessage(Locale.ROOT))
							.toList())
				.isTrue();
		}
	}

	/**
	 * Runs the application's own {@code main}, on a free port, and answers its context
	 * once it has started.
	 */
	private static ConfigurableApplicationContext run(ClassLoader loader, Path classes) throws Exception {
		Class<?> main = mainClass(loader, classes);
		AtomicReference<ConfigurableApplicationContext> started = new AtomicReference<>();
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		// Spring finds the application's classes and application.yml through it.
		thread.setContextClassLoader(loader);
		try {
			SpringApplication.withHook((application) -> new SpringApplicationRunListener() {
				@Override
				public void started(ConfigurableApplicationContext context, Duration timeTaken) {
					started.set(context);
				}
			}, () -> {
				Method method = main.getMethod("main", String[].class);
				return method.invoke(null, (Object) new String[] { "--server.port=0" });
			});
		}
		finally {
			thread.setContextClassLoader(previous);
		}
		assertThat(started.get()).as("the application started").isNotNull();
		return started.get();
	}

	private static Class<?> mainClass(ClassLoader loader, Path classes) throws Exception {
		List<Class<?>> mains = new ArrayList<>();
		try (var paths = Files.walk(classes)) {
			for (Path path : paths.filter((p) -> p.toString().endsWith(".class")).toList()) {
				String name = classes.relativize(path).toString().replace('/', '.').replaceAll("\\.class$", "");
				Class<?> type = Class.forName(name, false, loader);
				for (Method method : type.getDeclaredMethods()) {
					if (method.getName().equals("main") && Modifier.isStatic(method.getModifiers())
							&& Modifier.isPublic(method.getModifiers())) {
						mains.add(type);
					}
				}
			}
		}
		assertThat(mains).as("one class with a public static main").hasSize(1);
		return mains.get(0);
	}

}
