package io.wechatopen.camel.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.osgi.framework.Bundle;

/**
 * The YAML routes of the bundle in Karaf: the files shipped in the bundle under {@value #BUNDLE_FOLDER}, each
 * replaced by a file of the same name in the integrators' folder ({@code etc/wechat-open-camel/routes/}), plus that
 * folder's other {@value #PATTERN} files. The folder is watched: a changed or added file replaces the routes with the
 * same ids, while the others keep running.
 */
final class RouteFiles {

    static final String BUNDLE_FOLDER = "wechat-open-camel/routes";
    static final String PATTERN = "*.camel.yaml";

    private final Bundle bundle;
    private final Path directory;

    RouteFiles(Bundle bundle, Path directory) {
        this.bundle = bundle;
        this.directory = directory.toAbsolutePath().normalize();
    }

    Path directory() {
        return directory;
    }

    /** Loads the routes into {@code context} and starts watching the folder (created when missing). */
    void load(CamelContext context) throws Exception {
        Files.createDirectories(directory);
        PluginHelper.getRoutesLoader(context).loadRoutes(resources(context).values());
        RouteWatcherReloadStrategy reload = new RouteWatcherReloadStrategy(directory.toString(), false);
        reload.setPattern(PATTERN);
        // Reload only the changed file's routes: reloading all would clash with the bundle's routes of the same ids.
        reload.setRemoveAllRoutes(false);
        context.addService(reload);
    }

    /** The route files by name: the bundle's, replaced by and completed with the folder's. */
    Map<String, Resource> resources(CamelContext context) throws IOException {
        Map<String, Resource> byName = new TreeMap<>();
        Enumeration<URL> shipped = bundle.findEntries(BUNDLE_FOLDER, PATTERN, false);
        while (shipped != null && shipped.hasMoreElements()) {
            URL url = shipped.nextElement();
            String name = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
            try (InputStream in = url.openStream()) {
                byName.put(name, ResourceHelper.fromBytes(BUNDLE_FOLDER + "/" + name, in.readAllBytes()));
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PATTERN)) {
            for (Path file : files) {
                byName.put(file.getFileName().toString(),
                        ResourceHelper.resolveResource(context, "file:" + file.toAbsolutePath()));
            }
        }
        return byName;
    }

}
