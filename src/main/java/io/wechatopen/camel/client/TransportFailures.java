package io.wechatopen.camel.client;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

import org.apache.hc.client5.http.ConnectTimeoutException;

/**
 * Tells transport failures that certainly happened before a request left (so WeChat did nothing) from those after
 * it may have arrived (read timeout, reset, a reply lost on the way).
 */
public final class TransportFailures {

    private TransportFailures() {
    }

    /** Whether {@code failure} (or a cause of it) means the connection was never established. */
    public static boolean neverReached(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // HttpHostConnectException is a ConnectException; a connect timeout is not a read timeout.
            if (t instanceof ConnectException || t instanceof ConnectTimeoutException
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
