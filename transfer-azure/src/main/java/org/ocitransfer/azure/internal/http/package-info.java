/**
 * Internal, no compatibility promise: the Azure SDK's {@code HttpClient} over the JDK's {@code java.net.http}, which
 * logs no request URI (a SAS token would be in it), used by every Azure client this module builds.
 */
package org.ocitransfer.azure.internal.http;
