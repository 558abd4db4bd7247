/**
 * HTTP tools: each {@code parley.tool.http.<name>} is a tool that sends the model's (checked)
 * arguments as the JSON body to one configured URL, with an idempotency key and the conversation's
 * key, and gives the model the answer's body or the reason it failed.
 */
package dev.parley.tool.http;
