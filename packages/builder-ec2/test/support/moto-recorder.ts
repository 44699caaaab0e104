import { startMoto, type Moto } from '@kiln/testbed';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { TEST_AMIS } from './amis.js';
import { startEc2Recorder, type Ec2Recorder } from './ec2-recorder.js';

/**
 * For one test file: moto with the test AMIs and a recording proxy in front of it, started once
 * and handed to `ready`; before each test moto is reset and the recording cleared.
 */
export function withRecordedMoto(ready: (moto: Moto, recorder: Ec2Recorder) => void): void {
  let moto: Moto | undefined;
  let recorder: Ec2Recorder | undefined;
  beforeAll(async () => {
    moto = await startMoto({ amis: TEST_AMIS });
    recorder = await startEc2Recorder(moto.endpoint);
    ready(moto, recorder);
  }, 60_000);
  afterAll(async () => {
    await recorder?.close();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto?.reset();
    if (recorder) {
      recorder.calls.length = 0;
      recorder.rewrite = undefined;
    }
  });
}
