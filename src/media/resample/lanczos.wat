;; The inner loops of the CPU Lanczos path (lanczos.ts) in WebAssembly SIMD: one RGBA pixel is one
;; f32x4, so every tap is one multiply-add of four channels at once. lanczos.ts owns the memory
;; layout and the order of the work; these functions only read and write the addresses given.
;; Built into lanczos-wasm.ts by `node scripts/build-wasm.mjs` (test/unit/wasm-kernels.test.ts
;; checks that the two agree).
(module
  (memory (export "memory") 1)

  ;; `pixels` RGBA8 pixels at `src` to premultiplied f32x4 at `dst`: colour * alpha / 255, alpha kept.
  (func (export "premultiply") (param $src i32) (param $dst i32) (param $pixels i32)
    (local $v v128) (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $pixels) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
          (v128.load32_zero (local.get $src))))))
        (v128.store (local.get $dst)
          (f32x4.div
            (f32x4.mul (local.get $v)
              (f32x4.replace_lane 3 (f32x4.splat (f32x4.extract_lane 3 (local.get $v))) (f32.const 255)))
            (v128.const f32x4 255 255 255 255)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $next))))

  ;; One row along x: output pixel i is the sum over k < taps of weight[i * taps + k] times the
  ;; pixel at src + offset[i * taps + k] (offsets in bytes). Six taps, the enlarging case, unrolled.
  (func (export "horizontal") (param $src i32) (param $dst i32) (param $width i32) (param $taps i32) (param $offsets i32) (param $weights i32)
    (local $end i32) (local $tap i32) (local $acc v128)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $width) (i32.const 4))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (if (i32.eq (local.get $taps) (i32.const 6))
          (then
            (local.set $acc
              (f32x4.add
                (f32x4.add
                  (f32x4.add
                    (f32x4.add
                      (f32x4.add
                        (f32x4.mul (f32x4.splat (f32.load offset=0 (local.get $weights)))
                          (v128.load (i32.add (local.get $src) (i32.load offset=0 (local.get $offsets)))))
                        (f32x4.mul (f32x4.splat (f32.load offset=4 (local.get $weights)))
                          (v128.load (i32.add (local.get $src) (i32.load offset=4 (local.get $offsets))))))
                      (f32x4.mul (f32x4.splat (f32.load offset=8 (local.get $weights)))
                        (v128.load (i32.add (local.get $src) (i32.load offset=8 (local.get $offsets))))))
                    (f32x4.mul (f32x4.splat (f32.load offset=12 (local.get $weights)))
                      (v128.load (i32.add (local.get $src) (i32.load offset=12 (local.get $offsets))))))
                  (f32x4.mul (f32x4.splat (f32.load offset=16 (local.get $weights)))
                    (v128.load (i32.add (local.get $src) (i32.load offset=16 (local.get $offsets))))))
                (f32x4.mul (f32x4.splat (f32.load offset=20 (local.get $weights)))
                  (v128.load (i32.add (local.get $src) (i32.load offset=20 (local.get $offsets)))))))
            (local.set $offsets (i32.add (local.get $offsets) (i32.const 24)))
            (local.set $weights (i32.add (local.get $weights) (i32.const 24))))
          (else
            (local.set $tap (local.get $taps))
            (loop $taps
              (local.set $acc
                (f32x4.add (local.get $acc)
                  (f32x4.mul (f32x4.splat (f32.load (local.get $weights)))
                    (v128.load (i32.add (local.get $src) (i32.load (local.get $offsets)))))))
              (local.set $offsets (i32.add (local.get $offsets) (i32.const 4)))
              (local.set $weights (i32.add (local.get $weights) (i32.const 4)))
              (local.set $tap (i32.sub (local.get $tap) (i32.const 1)))
              (br_if $taps (local.get $tap)))))
        (v128.store (local.get $dst) (local.get $acc))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $pixel))))

  ;; One row along y from six rows: dst = sum of weight[k] * row k, over `pixels` pixels; the six
  ;; row addresses are i32s at `rows`, their weights f32s at `weights`.
  (func (export "vertical") (param $dst i32) (param $pixels i32) (param $rows i32) (param $weights i32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128) (local $w5 v128)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $s4 i32) (local $s5 i32)
    (local $at i32) (local $end i32)
    (local.set $w0 (f32x4.splat (f32.load offset=0 (local.get $weights))))
    (local.set $w1 (f32x4.splat (f32.load offset=4 (local.get $weights))))
    (local.set $w2 (f32x4.splat (f32.load offset=8 (local.get $weights))))
    (local.set $w3 (f32x4.splat (f32.load offset=12 (local.get $weights))))
    (local.set $w4 (f32x4.splat (f32.load offset=16 (local.get $weights))))
    (local.set $w5 (f32x4.splat (f32.load offset=20 (local.get $weights))))
    (local.set $s0 (i32.sub (i32.load offset=0 (local.get $rows)) (local.get $dst)))
    (local.set $s1 (i32.sub (i32.load offset=4 (local.get $rows)) (local.get $dst)))
    (local.set $s2 (i32.sub (i32.load offset=8 (local.get $rows)) (local.get $dst)))
    (local.set $s3 (i32.sub (i32.load offset=12 (local.get $rows)) (local.get $dst)))
    (local.set $s4 (i32.sub (i32.load offset=16 (local.get $rows)) (local.get $dst)))
    (local.set $s5 (i32.sub (i32.load offset=20 (local.get $rows)) (local.get $dst)))
    (local.set $at (local.get $dst))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $pixels) (i32.const 4))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (v128.store (local.get $at)
          (f32x4.add
            (f32x4.add
              (f32x4.add
                (f32x4.add
                  (f32x4.add
                    (f32x4.mul (local.get $w0) (v128.load (i32.add (local.get $at) (local.get $s0))))
                    (f32x4.mul (local.get $w1) (v128.load (i32.add (local.get $at) (local.get $s1)))))
                  (f32x4.mul (local.get $w2) (v128.load (i32.add (local.get $at) (local.get $s2)))))
                (f32x4.mul (local.get $w3) (v128.load (i32.add (local.get $at) (local.get $s3)))))
              (f32x4.mul (local.get $w4) (v128.load (i32.add (local.get $at) (local.get $s4)))))
            (f32x4.mul (local.get $w5) (v128.load (i32.add (local.get $at) (local.get $s5))))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $pixel))))

  ;; dst += weight * row over `pixels` pixels: the taps past six when shrinking.
  (func (export "accumulate") (param $dst i32) (param $pixels i32) (param $row i32) (param $weight f32)
    (local $w v128) (local $end i32)
    (local.set $w (f32x4.splat (local.get $weight)))
    (local.set $row (i32.sub (local.get $row) (local.get $dst)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $pixels) (i32.const 4))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst)
          (f32x4.add (v128.load (local.get $dst))
            (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $dst) (local.get $row))))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $pixel))))

  ;; The [1 2 1] vertical sum of one pixel of three rows, `at` bytes into each.
  (func $column (param $above i32) (param $row i32) (param $below i32) (param $at i32) (result v128)
    (f32x4.add
      (f32x4.add
        (v128.load (i32.add (local.get $above) (local.get $at)))
        (f32x4.mul (v128.const f32x4 2 2 2 2) (v128.load (i32.add (local.get $row) (local.get $at)))))
      (v128.load (i32.add (local.get $below) (local.get $at)))))

  ;; Unsharp mask of `row`: dst = row + amount * (row - blur), blur = [1 2 1]^T [1 2 1] / 16 over
  ;; `above`, `row`, `below`; the first and last pixels repeat at the row's ends.
  (func (export "sharpen") (param $above i32) (param $row i32) (param $below i32) (param $dst i32) (param $pixels i32) (param $amount f32)
    (local $at i32) (local $last i32) (local $left v128) (local $here v128) (local $right v128) (local $value v128) (local $k v128)
    (local.set $k (f32x4.splat (local.get $amount)))
    (local.set $last (i32.shl (i32.sub (local.get $pixels) (i32.const 1)) (i32.const 4)))
    (local.set $here (call $column (local.get $above) (local.get $row) (local.get $below) (i32.const 0)))
    (local.set $left (local.get $here))
    (block $done
      (loop $pixel
        (local.set $right
          (if (result v128) (i32.lt_u (local.get $at) (local.get $last))
            (then (call $column (local.get $above) (local.get $row) (local.get $below) (i32.add (local.get $at) (i32.const 16))))
            (else (local.get $here))))
        (local.set $value (v128.load (i32.add (local.get $row) (local.get $at))))
        (v128.store (i32.add (local.get $dst) (local.get $at))
          (f32x4.add (local.get $value)
            (f32x4.mul (local.get $k)
              (f32x4.sub (local.get $value)
                (f32x4.div
                  (f32x4.add (f32x4.add (local.get $left) (f32x4.mul (v128.const f32x4 2 2 2 2) (local.get $here))) (local.get $right))
                  (v128.const f32x4 16 16 16 16))))))
        (br_if $done (i32.ge_u (local.get $at) (local.get $last)))
        (local.set $left (local.get $here))
        (local.set $here (local.get $right))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $pixel))))

  ;; Premultiplied f32x4 pixels at `src` to straight RGBA8 at `dst`: colour * 255 / min(255, alpha),
  ;; rounded half to even and clamped to 0..255 as Uint8ClampedArray and WGSL's round() do; a
  ;; pixel whose alpha rounds to 0 is all zeros, its colour being meaningless.
  (func (export "quantise") (param $src i32) (param $dst i32) (param $pixels i32)
    (local $v v128) (local $alpha f32) (local $rgba i32) (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $pixels) (i32.const 2))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $alpha (f32x4.extract_lane 3 (local.get $v)))
        (local.set $rgba
          (i32x4.extract_lane 0
            (i8x16.narrow_i16x8_u
              (i16x8.narrow_i32x4_s
                (i32x4.trunc_sat_f32x4_s
                  (f32x4.nearest
                    (f32x4.replace_lane 3
                      (f32x4.mul (local.get $v)
                        (f32x4.splat (f32.div (f32.const 255) (f32.min (f32.const 255) (local.get $alpha)))))
                      (local.get $alpha))))
                (v128.const i32x4 0 0 0 0))
              (v128.const i16x8 0 0 0 0 0 0 0 0))))
        (i32.store (local.get $dst)
          (select (local.get $rgba) (i32.const 0) (i32.shr_u (local.get $rgba) (i32.const 24))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $pixel)))))
