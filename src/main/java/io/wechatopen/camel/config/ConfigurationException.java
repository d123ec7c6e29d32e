package io.wechatopen.camel.config;

/** A required setting is missing or invalid. The message names the key and where to set it, never its value. */
public class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message);
    }
}
