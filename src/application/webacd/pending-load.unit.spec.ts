import { PendingLoad } from './pending-load.js';

describe('PendingLoad (SES-3: accepts the sessions read model does not count yet)', () => {
  const counted = (counts: Record<string, number>, checkpoint: string) => ({ counts: new Map(Object.entries(counts)), checkpoint });

  it('SES-3 adds a session being opened to its agent, whatever the read model stands at', () => {
    const pending = new PendingLoad();
    pending.add('s1', 'ann');
    expect(pending.over(counted({ ann: 1, bob: 2 }, '9:900'))).toEqual(
      new Map([
        ['ann', 2],
        ['bob', 2],
      ]),
    );
    expect(pending.size).toBe(1);
  });

  it('SES-3 counts an opened session until the read model reaches its checkpoint, then forgets it', () => {
    const pending = new PendingLoad();
    pending.add('s1', 'ann');
    pending.opened('s1', '5:500');
    expect(pending.over(counted({}, '5:499'))).toEqual(new Map([['ann', 1]]));
    expect(pending.over(counted({ ann: 1 }, '5:500'))).toEqual(new Map([['ann', 1]]));
    expect(pending.size).toBe(0);
    expect(pending.over(counted({}, 'start'))).toEqual(new Map());
  });

  it('SES-3 forgets an accept whose session was not opened here, and one the store already held (no checkpoint)', () => {
    const pending = new PendingLoad();
    pending.add('s1', 'ann');
    pending.add('s2', 'ann');
    pending.forget('s1');
    pending.opened('s2', undefined);
    pending.opened('unknown', '1:1');
    expect(pending.over(counted({ ann: 3 }, 'start'))).toEqual(new Map([['ann', 3]]));
    expect(pending.size).toBe(0);
  });
});
