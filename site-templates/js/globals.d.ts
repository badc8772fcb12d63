// What the pages' scripts share through the global object.

/**
 * The requests verify-early.js started, by URL, before the verify page's
 * main script was loaded; lookup.js takes each over once.
 */
declare var certsiteEarly: Map<string, Promise<Response>> | undefined;
