package io.wechatopen.camel.token;

import io.wechatopen.camel.model.AuthorizationChange;

/** Told of every authorization change after it is stored (the Camel adapter publishes it to a seda queue). */
@FunctionalInterface
public interface AuthorizationListener {

    /** Must not throw; a failure to publish is the listener's to log. */
    void changed(AuthorizationChange change);
}
