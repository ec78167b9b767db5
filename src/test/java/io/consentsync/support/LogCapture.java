package io.consentsync.support;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Everything logged in this JVM from {@link #start} to {@link #close}, in memory: one test's own lines, not the shared
 * log file that every test (and every earlier run) appends to. The given loggers are lowered to the given level
 * meanwhile (for example the connector's own loggers to DEBUG, as {@code LOG_LEVEL=DEBUG} does) and restored after.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final Map<String, Level> previous = new HashMap<>();
    private final LoggerContext context;

    private LogCapture(LoggerContext context) {
        super("capture-" + UUID.randomUUID(), null,
                PatternLayout.newBuilder().withPattern("%-5p %c{1} - %m%n%throwable").build(), true, Property.EMPTY_ARRAY);
        this.context = context;
    }

    public static LogCapture start(Level level, String... loggers) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LogCapture capture = new LogCapture(ctx);
        capture.start();
        Configuration cfg = ctx.getConfiguration();
        for (String name : loggers) {
            LoggerConfig own = cfg.getLoggerConfig(name);
            if (!own.getName().equals(name)) { // inherits: give it a config of its own, additive to the parents
                own = new LoggerConfig(name, level, true);
                cfg.addLogger(name, own);
                capture.previous.put(name, null);
            } else {
                capture.previous.put(name, own.getLevel());
            }
            own.setLevel(level);
        }
        cfg.getRootLogger().addAppender(capture, Level.ALL, null);
        for (LoggerConfig lc : cfg.getLoggers().values()) {
            if (!lc.isAdditive() && lc != cfg.getRootLogger()) {
                lc.addAppender(capture, Level.ALL, null);
            }
        }
        ctx.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        StringWriter out = new StringWriter();
        out.append(event.getLevel().name()).append(' ').append(event.getLoggerName()).append(" - ")
                .append(event.getMessage().getFormattedMessage()).append('\n');
        if (event.getThrown() != null) {
            event.getThrown().printStackTrace(new PrintWriter(out));
        }
        lines.add(out.toString());
    }

    /** What was logged so far, one entry per event (with its stack trace, if any). */
    public String text() {
        return String.join("", lines);
    }

    public long count(Level level) {
        return lines.stream().filter(l -> l.startsWith(level.name() + " ")).count();
    }

    @Override
    public void close() {
        Configuration cfg = context.getConfiguration();
        cfg.getRootLogger().removeAppender(getName());
        for (LoggerConfig lc : cfg.getLoggers().values()) {
            lc.removeAppender(getName());
        }
        previous.forEach((name, level) -> {
            if (level == null) {
                cfg.removeLogger(name);
            } else {
                cfg.getLoggerConfig(name).setLevel(level);
            }
        });
        context.updateLoggers();
        stop();
    }
}
