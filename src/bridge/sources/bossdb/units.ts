/**
 * BossDB unit names (plural, from its model choices) to the UDUNITS names
 * OME-NGFF expects. Unknown units are dropped rather than guessed.
 */

const SPACE: Record<string, string> = {
  nanometers: 'nanometer',
  micrometers: 'micrometer',
  millimeters: 'millimeter',
  centimeters: 'centimeter',
};

const TIME: Record<string, string> = {
  nanoseconds: 'nanosecond',
  microseconds: 'microsecond',
  milliseconds: 'millisecond',
  seconds: 'second',
};

export const omeSpaceUnit = (voxelUnit: string | null | undefined): string | undefined =>
  voxelUnit ? SPACE[voxelUnit] : undefined;

export const omeTimeUnit = (timeStepUnit: string | null | undefined): string | undefined =>
  timeStepUnit ? TIME[timeStepUnit] : undefined;
