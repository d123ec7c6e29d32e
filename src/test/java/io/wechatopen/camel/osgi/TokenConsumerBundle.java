package io.wechatopen.camel.osgi;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;

import io.wechatopen.camel.osgi.consumer.TokenCommand;

/**
 * Builds the test's second bundle, {@code io.wechatopen.camel.test.consumer}: the {@code tokentest:token} command
 * ({@link TokenCommand}), which imports {@code io.wechatopen.camel} and uses the {@code AuthorizerTokens} service as
 * any integrator's bundle would.
 */
final class TokenConsumerBundle {

    private TokenConsumerBundle() {
    }

    /** Writes the bundle to {@code target} from the compiled test classes and returns it. */
    static Path build(Path target) throws Exception {
        String packageName = TokenCommand.class.getPackageName();
        try (Builder builder = new Builder()) {
            builder.setProperty("Bundle-SymbolicName", "io.wechatopen.camel.test.consumer");
            builder.setProperty("Bundle-Version", "1.0.0");
            builder.setProperty("Private-Package", packageName);
            builder.setProperty("Import-Package", "*");
            builder.setProperty("Karaf-Commands", packageName);
            builder.setProperty("-noextraheaders", "true");
            builder.addClasspath(classesOf(TokenCommand.class));
            builder.addClasspath(classesOf(io.wechatopen.camel.AuthorizerTokens.class));
            builder.addClasspath(classesOf(org.apache.karaf.shell.api.action.Action.class));
            Jar jar = builder.build();
            if (!builder.isOk()) {
                throw new IllegalStateException("Cannot build the token consumer bundle: " + builder.getErrors());
            }
            Files.createDirectories(target.getParent());
            jar.write(target.toFile());
            return target;
        }
    }

    private static File classesOf(Class<?> type) throws Exception {
        return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
