package io.wechatopen.camel.osgi.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Indented JSON for the shell. */
final class ShellJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ShellJson() {
    }

    static String pretty(Object value) throws JsonProcessingException {
        return MAPPER.writeValueAsString(value);
    }
}
