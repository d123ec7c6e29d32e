package io.wechatopen.camel.boot;

import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;

/**
 * Runs the bundle standalone with Camel Main: settings from {@code config/application.properties}, YAML routes from
 * {@code routes/*.camel.yaml} (both relative to the working directory; {@code -Dwechat.config.dir=DIR} and
 * {@code -Dwechat.routes.dir=DIR} point elsewhere). No classpath scanning: the configuration is added explicitly.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + configDir() + "/application.properties");
        configure(main.configure(), routesDir());
        main.run(args);
    }

    /** What Camel Main needs beyond the properties file; also used by the tests, so they boot the same way. */
    public static void configure(MainConfigurationProperties configuration, String routesDir) {
        configuration.withRoutesIncludePattern("file:" + routesDir + "/*.camel.yaml");
        configuration.addConfiguration(new WeChatConfiguration());
    }

    static String configDir() {
        return System.getProperty("wechat.config.dir", "config");
    }

    static String routesDir() {
        return System.getProperty("wechat.routes.dir", "routes");
    }
}
