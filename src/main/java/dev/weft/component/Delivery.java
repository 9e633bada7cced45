package dev.weft.component;

/**
 * What a send does when the destination inbox is full (each inbox is bounded; see
 * {@link Component#addInbox(String, int)}). Chosen per linkage ({@link Components#link(Component, String, Component,
 * String, Delivery)}); the default is {@link #BLOCK}.
 */
public enum Delivery {
    /** Wait for room: backpressure. The sender parks (never pinning its carrier) until the receiver takes a message. */
    BLOCK,
    /** Throw {@link InboxFullException} to the sender; the message is not delivered. */
    FAIL,
    /** Drop the message and count it on the linkage ({@link Linkage#dropped()}) and the inbox; never silent. */
    DROP
}
