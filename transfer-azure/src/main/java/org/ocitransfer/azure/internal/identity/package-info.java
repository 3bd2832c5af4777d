/** Not API: how the Azure stores name and reach a pipeline's identity. */
package org.ocitransfer.azure.internal.identity;
