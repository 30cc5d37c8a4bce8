/**
 * Runs a page's request and gives back what its error box is to show: nothing when the request
 * went through, what it threw when not (what the page showed before stays, as it was).
 *
 * `error = await failureOf(async () => { rows = await fetchRows(); });`
 */
export async function failureOf(request: () => Promise<unknown>): Promise<unknown> {
  try {
    await request();
    return undefined;
  } catch (caught) {
    return caught;
  }
}
