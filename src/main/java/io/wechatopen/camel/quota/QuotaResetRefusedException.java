package io.wechatopen.camel.quota;

/** A {@code clear_quota/v2} refused because the month's resets are spent; WeChat was not called (or said 48006). */
public final class QuotaResetRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient QuotaClearance.Budget budget;

    QuotaResetRefusedException(String message, QuotaClearance.Budget budget) {
        super(message);
        this.budget = budget;
    }

    /** The month's budget after the refusal (nothing left). */
    public QuotaClearance.Budget budget() {
        return budget;
    }
}
