package io.wechatopen.camel.model;

/** Where an authorizer (an official account that authorized the component) stands. */
public enum AuthorizerStatus {
    /** Authorized; tokens are kept fresh. */
    AUTHORIZED,
    /** The account withdrew the authorization (unauthorized push, or 61003); tokens purged. */
    UNAUTHORIZED,
    /** The refresh token was refused (61023) and could not be recovered: the account must authorize again. */
    NEEDS_REAUTHORIZATION
}
