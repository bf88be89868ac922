// The host's entry to the integrators: binds the right-hand-side family (rhs/) into the integrators' system seam
// and runs the driver on a configuration block. The only file that sees both sides.
import { bind_family } from "./integrate/system";
import { drive } from "./integrate/driver";
import {
  eval_rhs, eval_model_event, rhs_traits, rhs_jacobian, controlled_components, rhs_disc_locate, rhs_disc_switch, rhs_disc_snapshot,
} from "./rhs/index";

/** Integrates y' = f(t, y) as configured by the block at `cfg` (integrate/config.ts); returns a STATUS_* code. */
export function ode_solve(cfg: usize): i32 {
  bind_family(eval_rhs, eval_model_event, rhs_traits, rhs_jacobian, controlled_components, rhs_disc_locate, rhs_disc_switch, rhs_disc_snapshot);
  return drive(cfg);
}
