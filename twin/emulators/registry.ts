// Which emulator plays which image. Emulators match by repository name (never by tag or digest),
// so `quay.io/minio/minio:latest` and a mirrored `registry.example.com/minio/minio@sha256:...` are
// both MinIO. A later registration wins over an earlier one for the same image.
import type { ImageEmulator } from './types';

export class EmulatorRegistry {
  private readonly emulators: ImageEmulator[] = [];

  /** Adds an emulator; returns a function that removes it again. */
  register(emulator: ImageEmulator): () => void {
    this.emulators.unshift(emulator);
    return () => {
      const i = this.emulators.indexOf(emulator);
      if (i >= 0) this.emulators.splice(i, 1);
    };
  }

  forImage(image: string): ImageEmulator | undefined {
    return this.emulators.find((e) => e.matches(image));
  }

  names(): string[] {
    return this.emulators.map((e) => e.name);
  }
}
