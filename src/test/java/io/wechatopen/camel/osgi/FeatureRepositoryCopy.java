package io.wechatopen.camel.osgi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the copy of the built {@code feature.xml} that the Karaf test installs; the production file stays as built.
 *
 * <p>Our bundle's and cfg template's {@code mvn:} URLs become {@code file:} URLs of the jar just built and of
 * {@code config/io.wechatopen.camel.cfg} (during {@code verify} neither is in any Maven repository yet), and, unless the official Camel features are wanted, the Camel
 * Karaf {@code <repository>} becomes the test-only stand-in ({@code src/test/karaf/camel-test-features.xml}).
 */
public final class FeatureRepositoryCopy {

    private static final Pattern CAMEL_REPOSITORY = Pattern
            .compile("<repository>mvn:org\\.apache\\.camel\\.karaf/apache-camel/[^<]+</repository>");
    private static final Pattern OUR_BUNDLE = Pattern
            .compile("<bundle>mvn:io\\.wechatopen/wechat-open-camel/[^<]+</bundle>");
    private static final Pattern OUR_CFG = Pattern
            .compile("mvn:io\\.wechatopen/wechat-open-camel/[^<]+/cfg/configuration");

    private FeatureRepositoryCopy() {
    }

    /**
     * @param built the filtered {@code target/feature/feature.xml}
     * @param camelStandIn the stand-in Camel features file, or {@code null} to keep the official repository
     * @param bundle the bundle jar to install
     * @param cfgTemplate the cfg the feature installs into {@code etc/} when missing
     * @return the copy, written to {@code target}
     */
    public static Path write(Path built, Path camelStandIn, Path bundle, Path cfgTemplate, Path target)
            throws IOException {
        String xml = Files.readString(built, StandardCharsets.UTF_8);
        xml = replaceOnce(xml, OUR_BUNDLE, "<bundle>" + bundle.toAbsolutePath().toUri() + "</bundle>");
        xml = replaceOnce(xml, OUR_CFG, cfgTemplate.toAbsolutePath().toUri().toString());
        if (camelStandIn != null) {
            xml = replaceOnce(xml, CAMEL_REPOSITORY,
                    "<repository>" + camelStandIn.toAbsolutePath().toUri() + "</repository>");
        }
        Files.createDirectories(target.getParent());
        Files.writeString(target, xml, StandardCharsets.UTF_8);
        return target;
    }

    private static String replaceOnce(String xml, Pattern pattern, String replacement) {
        Matcher matcher = pattern.matcher(xml);
        if (!matcher.find()) {
            throw new IllegalStateException("feature.xml no longer contains " + pattern.pattern());
        }
        return matcher.replaceFirst(Matcher.quoteReplacement(replacement));
    }
}
