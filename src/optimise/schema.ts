/**
 * Schemas (zod) of the allocation problem's parts that a config also holds:
 * the business constraints. The config check and the problem check use these,
 * so a constraint is refused with the same words wherever it is written.
 */
import { z } from 'zod';

const name = z.string().min(1);
const money = z.number().finite().min(0);
const channels = z.array(name).min(1);

export const groupConstraintSchema = z.strictObject({
  type: z.literal('group'),
  name: name.optional(),
  channels,
  min: money.optional(),
  max: money.optional(),
}).refine((g) => g.min === undefined || g.max === undefined || g.min <= g.max, { message: 'min must be <= max', path: ['min'] });

export const ratioConstraintSchema = z.strictObject({
  type: z.literal('ratio'),
  name: name.optional(),
  left: channels,
  right: channels,
  sense: z.enum(['<=', '>=', '=']),
  factor: z.number().finite().min(0).optional(),
});

export const roasFloorConstraintSchema = z.strictObject({
  type: z.literal('roasFloor'),
  name: name.optional(),
  value: z.number().finite().min(0),
});

/** One business constraint (README, "mmm optimise problem"). */
export const constraintSchema = z.discriminatedUnion('type', [groupConstraintSchema, ratioConstraintSchema, roasFloorConstraintSchema]);

export type ConstraintInput = z.infer<typeof constraintSchema>;

/** The channel names a constraint refers to. */
export function constraintChannels(c: ConstraintInput): string[] {
  return c.type === 'group' ? c.channels : c.type === 'ratio' ? [...c.left, ...c.right] : [];
}
