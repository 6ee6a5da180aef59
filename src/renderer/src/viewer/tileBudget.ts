/** How many tiles a view may ask for: four screens' worth at the tile size (one level past native resolution). */
export function tileBudget(width: number, height: number, tileSize: number): number {
  return 4 * (Math.ceil(width / tileSize) + 1) * (Math.ceil(height / tileSize) + 1);
}
