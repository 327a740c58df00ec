/**
 * The goal to show for `count`: the configured goal until it is reached, then doubled as often as
 * needed, so a campaign that passed 10 000 aims for 20 000, then 40 000.
 */
export function currentGoal(count: number, goal: number): number {
  let next = goal;
  while (count >= next && next < Number.MAX_SAFE_INTEGER / 2) next *= 2;
  return next;
}
