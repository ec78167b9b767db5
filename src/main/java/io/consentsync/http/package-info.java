/**
 * What the connector's HTTP APIs (webhook intake, token endpoint, admin API, status page) share: reading the real
 * request ({@link io.consentsync.http.HttpRequests}), refusing it with a status and a JSON body naming the problem
 * ({@link io.consentsync.http.RejectedRequestException}) and turning any failure into that answer
 * ({@link io.consentsync.http.ErrorResponder}, the {@code http-api-errors} route configuration).
 */
package io.consentsync.http;
