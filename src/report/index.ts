export * from './render.ts';
export { esc } from './html.ts';
