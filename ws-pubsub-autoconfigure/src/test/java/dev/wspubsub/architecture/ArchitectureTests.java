package dev.wspubsub.architecture;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of the library (docs/ARCHITECTURE.md), checked on its compiled classes: the
 * API users write against ({@code dev.wspubsub}, {@code dev.wspubsub.annotation}), the
 * extension points they may implement ({@code dev.wspubsub.spi}), the wiring
 * ({@code dev.wspubsub.autoconfigure}) and everything else under
 * {@code dev.wspubsub.internal}.
 */
class ArchitectureTests {

	static final String API = "dev.wspubsub";

	static final String INTERNAL = "dev.wspubsub.internal";

	static final String AUTOCONFIGURE = "dev.wspubsub.autoconfigure";

	static JavaClasses library;

	@BeforeAll
	static void importLibrary() {
		library = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
			// The test client's classes, when the reactor puts its folder on the class
			// path.
			.withImportOption((location) -> !location.contains("/ws-pubsub-test/"))
			.importPackages(API);
		assertThat(library).as("the library's classes").hasSizeGreaterThan(100);
	}

	@Test
	void everyClassIsInAKnownLayer() {
		Set<String> strays = new TreeSet<>();
		for (JavaClass type : library) {
			String pkg = type.getPackageName();
			if (!isApi(pkg) && !isSpi(pkg) && !pkg.equals(AUTOCONFIGURE) && !pkg.startsWith(INTERNAL + ".")) {
				strays.add(type.getName());
			}
		}
		assertThat(strays).as("classes outside the API, spi, autoconfigure and internal packages").isEmpty();
	}

	@Test
	void nothingButTheWiringImportsTheWiring() {
		assertThat(violations((from, to) -> !from.equals(AUTOCONFIGURE) && to.equals(AUTOCONFIGURE)))
			.as("dependencies on dev.wspubsub.autoconfigure from outside it")
			.isEmpty();
	}

	@Test
	void transportAndTopicKnowNoPolicy() {
		List<String> policy = List.of(INTERNAL + ".security", INTERNAL + ".endpoint", INTERNAL + ".stomp",
				INTERNAL + ".sse", INTERNAL + ".actuate", AUTOCONFIGURE);
		assertThat(violations(
				(from, to) -> (inPackage(from, INTERNAL + ".transport") || inPackage(from, INTERNAL + ".topic"))
						&& policy.stream().anyMatch((p) -> inPackage(to, p))))
			.as("transport and topic depending on security, endpoint, stomp, sse, actuate or autoconfigure")
			.isEmpty();
	}

	@Test
	void theEndpointSideDoesNotImportSecurity() {
		assertThat(violations(
				(from, to) -> inPackage(from, INTERNAL + ".endpoint") && inPackage(to, INTERNAL + ".security")))
			.as("endpoint depending on security (security implements the endpoint's guard, not the reverse)")
			.isEmpty();
	}

	@Test
	void extensionPointsDependOnlyOnTheApi() {
		assertThat(violations((from, to) -> isSpi(from) && (to.startsWith(INTERNAL) || to.equals(AUTOCONFIGURE))))
			.as("spi depending on internal or autoconfigure")
			.isEmpty();
	}

	@Test
	void apiAndExtensionPointsExposeNoInternalType() {
		Set<String> exposed = new TreeSet<>();
		for (JavaClass type : library) {
			String pkg = type.getPackageName();
			if (!(isApi(pkg) || isSpi(pkg)) || !isVisible(type.getModifiers())) {
				continue;
			}
			List<JavaType> signature = new ArrayList<>();
			type.getRawSuperclass().ifPresent(signature::add);
			signature.addAll(type.getRawInterfaces());
			for (JavaCodeUnit unit : type.getCodeUnits()) {
				if (isVisible(unit.getModifiers())) {
					signature.add(unit.getReturnType());
					signature.addAll(unit.getParameterTypes());
					signature.addAll(unit.getExceptionTypes());
				}
			}
			for (JavaField field : type.getFields()) {
				if (isVisible(field.getModifiers())) {
					signature.add(field.getType());
				}
			}
			for (JavaType part : signature) {
				for (JavaClass involved : part.getAllInvolvedRawTypes()) {
					String to = involved.getPackageName();
					if (to.startsWith(INTERNAL) || to.equals(AUTOCONFIGURE)) {
						exposed.add(type.getName() + " exposes " + involved.getName());
					}
				}
			}
		}
		assertThat(exposed).as("internal types in the signatures of API and spi types").isEmpty();
	}

	@Test
	void internalTypesArePublicOnlyWhenAnotherPackageUsesThem() {
		Set<String> needlesslyPublic = new TreeSet<>();
		for (JavaClass type : library) {
			if (!type.getPackageName().startsWith(INTERNAL) || !type.getModifiers().contains(JavaModifier.PUBLIC)
					|| type.isNestedClass()) {
				continue;
			}
			boolean usedElsewhere = type.getDirectDependenciesToSelf()
				.stream()
				.map((dependency) -> dependency.getOriginClass().getPackageName())
				.anyMatch((pkg) -> !pkg.equals(type.getPackageName()));
			if (!usedElsewhere) {
				needlesslyPublic.add(type.getName());
			}
		}
		assertThat(needlesslyPublic).as("public internal types no other package uses (make them package-private)")
			.isEmpty();
	}

	private static Set<String> violations(EdgeRule rule) {
		Set<String> found = new TreeSet<>();
		for (JavaClass type : library) {
			for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
				String from = dependency.getOriginClass().getPackageName();
				String to = dependency.getTargetClass().getPackageName();
				if (to.startsWith(API) && rule.forbids(from, to)) {
					found.add(dependency.getOriginClass().getName() + " -> " + dependency.getTargetClass().getName());
				}
			}
		}
		return found;
	}

	private static boolean isApi(String pkg) {
		return pkg.equals(API) || pkg.equals(API + ".annotation");
	}

	private static boolean isSpi(String pkg) {
		return pkg.equals(API + ".spi");
	}

	private static boolean inPackage(String pkg, String base) {
		return pkg.equals(base) || pkg.startsWith(base + ".");
	}

	private static boolean isVisible(Set<JavaModifier> modifiers) {
		return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
	}

	@FunctionalInterface
	interface EdgeRule {

		boolean forbids(String from, String to);

	}

}
