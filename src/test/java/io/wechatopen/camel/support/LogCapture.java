package io.wechatopen.camel.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Captures the log events of some loggers (at DEBUG and above, or a given level) for the duration of a test. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    public record Event(String logger, Level level, String message) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> loggers;
    private final LoggerContext context = LoggerContext.getContext(false);

    public LogCapture(String... loggers) {
        this(Level.DEBUG, loggers);
    }

    /** Captures the given loggers at {@code level} and above (and sets them to that level meanwhile). */
    public LogCapture(Level level, String... loggers) {
        super("test-capture-" + String.join(",", loggers), null, null, true, Property.EMPTY_ARRAY);
        this.loggers = List.of(loggers);
        start();
        Configuration config = context.getConfiguration();
        config.addAppender(this);
        for (String name : this.loggers) {
            LoggerConfig logger = new LoggerConfig(name, level, false);
            logger.addAppender(this, level, null);
            config.addLogger(name, logger);
        }
        context.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
        String thrown = event.getThrown() == null ? "" : " " + event.getThrown();
        events.add(new Event(event.getLoggerName(), event.getLevel(),
                event.getMessage().getFormattedMessage() + thrown));
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        loggers.forEach(config::removeLogger);
        config.getAppenders().remove(getName());
        context.updateLoggers();
        stop();
    }
}
