import { fold } from './decider.js';
it('fold applies events in order', () => {
  const counter = { initialState: () => 0, evolve: (s: number, e: { type: 'Add'; data: number }) => s * 10 + e.data };
  expect(
    fold(counter, [
      { type: 'Add', data: 1 },
      { type: 'Add', data: 2 },
    ]),
  ).toBe(12);
});
