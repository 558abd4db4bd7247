/**
 * The WhatsApp Cloud API channel: the webhook's signature check ({@code X-Hub-Signature-256} over
 * the raw body), parsing of Meta's webhook JSON into channel-neutral messages, rejections and
 * delivery statuses, and the {@code ReplySender} that posts replies to the Graph API (capped with a
 * notice, split at 4096 characters, paced per number, Graph error codes mapped to retry, abandon or
 * alert). Wire records stay here and are never persisted. Must not use the http package or hold
 * conversation state.
 */
package dev.parley.channel.whatsapp;
