// Which runs ask for an opt-in scenario (opt-in.ts): a --tags expression that selects it by one of its
// own tags and would select nothing without that tag. Kept apart from the hook so tests can import it.
import parseTagExpression from '@cucumber/tag-expressions';

export const OPT_IN = '@opt-in';

/** Whether one of the run's tag expressions asks for a scenario with these tags by one of them. */
export function askedFor(expressions: readonly string[], tags: readonly string[]): boolean {
  const own = tags.filter((t) => t !== OPT_IN);
  return expressions.some((text) => {
    let expression: ReturnType<typeof parseTagExpression>;
    try {
      expression = parseTagExpression(text);
    } catch {
      return false;
    }
    return !expression.evaluate([]) && own.some((t) => expression.evaluate([t]));
  });
}
